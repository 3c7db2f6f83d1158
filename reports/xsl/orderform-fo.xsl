<?xml version="1.0" encoding="UTF-8"?>
<!--
  reports/xsl/orderform-fo.xsl — the week's paper order form in XSL-FO, for people
  without internet: filled in by hand, handed in at the market or read out on the
  phone.

  Its own page layout rather than fo-layout.xsl's: nothing under 11 pt (the smallest
  type here is 11 pt, headings larger), black on white with lines and boxes only, no
  grey fill, so that it stays readable after a black-and-white photocopy. Page 1
  starts with the boxes for the name and phone number, the closing time, the hub's
  phone number and the pickup points to tick; then every offer, producer by
  producer and category by category, with its number (the one the desk's entry page
  shows), its price including VAT per unit, the price per kg or litre, and an empty
  box for the quantity. Every page repeats the hub's phone number and "page n / N".
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:fo="http://www.w3.org/1999/XSL/Format"
                xmlns:k="urn:km0:report:1" xmlns:l="urn:km0:labels"
                exclude-result-prefixes="k l">
  <xsl:import href="common.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" indent="no"/>
  <xsl:param name="attachment" select="''"/>

  <xsl:attribute-set name="cell">
    <xsl:attribute name="padding">2pt 3pt</xsl:attribute>
    <xsl:attribute name="border-bottom">0.5pt solid #000</xsl:attribute>
    <xsl:attribute name="display-align">before</xsl:attribute>
  </xsl:attribute-set>

  <xsl:template name="label">
    <xsl:param name="k"/>
    <xsl:call-template name="t"><xsl:with-param name="k" select="$k"/></xsl:call-template>
  </xsl:template>

  <!-- "kilogramme" / "pièce": a unit's singular label -->
  <xsl:template name="unit-label">
    <xsl:param name="unit"/>
    <xsl:variable name="u" select="$L/l:unit[@c = $unit]"/>
    <xsl:choose>
      <xsl:when test="$u"><xsl:value-of select="$u/@*[local-name() = $lg]"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$unit"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="closing">
    <xsl:variable name="w" select="/k:orderform/k:window"/>
    <xsl:call-template name="date-long">
      <xsl:with-param name="date" select="substring($w/@closes-at, 1, 10)"/>
      <xsl:with-param name="day" select="string($w/@closes-day)"/>
    </xsl:call-template>
    <xsl:text>, </xsl:text>
    <xsl:call-template name="hhmm"><xsl:with-param name="t" select="$w/@closes-at"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="/">
    <fo:root font-family="Liberation Sans, Helvetica" font-size="11pt" line-height="1.3" language="{$lg}">
      <fo:layout-master-set>
        <fo:simple-page-master master-name="a4" page-width="210mm" page-height="297mm"
                               margin-top="10mm" margin-bottom="8mm" margin-left="14mm" margin-right="14mm">
          <fo:region-body margin-top="16mm" margin-bottom="10mm"/>
          <fo:region-before extent="14mm"/>
          <fo:region-after extent="8mm"/>
        </fo:simple-page-master>
      </fo:layout-master-set>
      <fo:page-sequence master-reference="a4" initial-page-number="1">
        <fo:static-content flow-name="xsl-region-before">
          <fo:block font-size="14pt" font-weight="bold" text-align-last="justify"
                    border-bottom="1pt solid #000" padding-bottom="1pt">
            <xsl:value-of select="$head/k:hub/k:name"/>
            <fo:leader leader-pattern="space"/>
            <xsl:call-template name="label"><xsl:with-param name="k" select="'orderform'"/></xsl:call-template>
          </fo:block>
          <fo:block font-size="11pt" text-align-last="justify">
            <xsl:value-of select="$head/k:cycle/k:name"/>
            <fo:leader leader-pattern="space"/>
            <xsl:call-template name="label"><xsl:with-param name="k" select="'of-form-phone'"/></xsl:call-template>
            <xsl:text> : </xsl:text>
            <xsl:value-of select="$head/k:hub/k:phone"/>
          </fo:block>
        </fo:static-content>
        <fo:static-content flow-name="xsl-region-after">
          <fo:block font-size="11pt" text-align-last="justify">
            <xsl:call-template name="label"><xsl:with-param name="k" select="'of-closes'"/></xsl:call-template>
            <xsl:text> </xsl:text>
            <xsl:call-template name="closing"/>
            <fo:leader leader-pattern="space"/>
            <xsl:call-template name="label"><xsl:with-param name="k" select="'page'"/></xsl:call-template>
            <xsl:text> </xsl:text>
            <fo:page-number/>
            <xsl:text> / </xsl:text>
            <fo:page-number-citation ref-id="end"/>
          </fo:block>
        </fo:static-content>
        <fo:flow flow-name="xsl-region-body">
          <xsl:call-template name="intro"/>
          <xsl:choose>
            <xsl:when test="k:orderform/k:producer">
              <xsl:apply-templates select="k:orderform/k:producer"/>
            </xsl:when>
            <xsl:otherwise>
              <fo:block space-before="6mm">
                <xsl:call-template name="label"><xsl:with-param name="k" select="'of-none'"/></xsl:call-template>
              </fo:block>
            </xsl:otherwise>
          </xsl:choose>
          <fo:block space-before="6mm" font-weight="bold" keep-with-previous.within-page="always">
            <xsl:call-template name="label"><xsl:with-param name="k" select="'of-return'"/></xsl:call-template>
          </fo:block>
          <fo:block id="end"/>
        </fo:flow>
      </fo:page-sequence>
    </fo:root>
  </xsl:template>

  <!-- who orders, until when, whom to call, where to collect -->
  <xsl:template name="intro">
    <fo:table table-layout="fixed" width="100%" border="1pt solid #000">
      <fo:table-column column-width="proportional-column-width(3)"/>
      <fo:table-column column-width="proportional-column-width(2)"/>
      <fo:table-body>
        <fo:table-row height="14mm">
          <fo:table-cell padding="2pt 3pt" border-right="1pt solid #000">
            <fo:block font-size="11pt">
              <xsl:call-template name="label"><xsl:with-param name="k" select="'of-form-customer'"/></xsl:call-template>
            </fo:block>
          </fo:table-cell>
          <fo:table-cell padding="2pt 3pt">
            <fo:block font-size="11pt">
              <xsl:call-template name="label"><xsl:with-param name="k" select="'of-form-phone'"/></xsl:call-template>
            </fo:block>
          </fo:table-cell>
        </fo:table-row>
      </fo:table-body>
    </fo:table>
    <fo:block space-before="3mm" font-size="13pt" font-weight="bold">
      <xsl:call-template name="label"><xsl:with-param name="k" select="'of-closes'"/></xsl:call-template>
      <xsl:text> </xsl:text>
      <xsl:call-template name="closing"/>
    </fo:block>
    <fo:block>
      <xsl:call-template name="label"><xsl:with-param name="k" select="'delivery-day'"/></xsl:call-template>
      <xsl:text> </xsl:text>
      <xsl:call-template name="delivery-day"/>
    </fo:block>
    <fo:block space-before="2mm">
      <xsl:call-template name="label"><xsl:with-param name="k" select="'of-call'"/></xsl:call-template>
      <xsl:text> </xsl:text>
      <fo:inline font-size="13pt" font-weight="bold"><xsl:value-of select="$head/k:hub/k:phone"/></fo:inline>
    </fo:block>
    <fo:block space-before="3mm" font-size="13pt" font-weight="bold">
      <xsl:call-template name="label"><xsl:with-param name="k" select="'of-pickup'"/></xsl:call-template>
    </fo:block>
    <xsl:for-each select="k:orderform/k:pickup-point">
      <fo:list-block provisional-distance-between-starts="8mm" space-before="1.5mm">
        <fo:list-item>
          <fo:list-item-label end-indent="label-end()">
            <fo:block-container width="4.5mm" height="4.5mm" border="1pt solid #000"><fo:block/></fo:block-container>
          </fo:list-item-label>
          <fo:list-item-body start-indent="body-start()">
            <fo:block>
              <fo:inline font-weight="bold"><xsl:value-of select="@name"/></fo:inline>
              <xsl:if test="@address != ''"><xsl:value-of select="concat(' — ', @address)"/></xsl:if>
              <xsl:text> — </xsl:text>
              <xsl:choose>
                <xsl:when test="@day">
                  <xsl:value-of select="$L/l:day[@n = current()/@day]/@*[local-name() = $lg]"/>
                  <xsl:value-of select="concat(' ', @from, '–', @to)"/>
                </xsl:when>
                <xsl:otherwise><xsl:value-of select="@opening"/></xsl:otherwise>
              </xsl:choose>
            </fo:block>
          </fo:list-item-body>
        </fo:list-item>
      </fo:list-block>
    </xsl:for-each>
  </xsl:template>

  <xsl:template match="k:producer">
    <fo:block space-before="6mm" font-size="14pt" font-weight="bold" border-bottom="1.5pt solid #000"
              keep-with-next.within-page="always">
      <xsl:value-of select="@name"/>
    </fo:block>
    <xsl:apply-templates select="k:category"/>
  </xsl:template>

  <xsl:template match="k:category">
    <fo:block space-before="3mm" font-size="12pt" font-weight="bold" font-style="italic"
              keep-with-next.within-page="always">
      <xsl:choose>
        <xsl:when test="@name != ''"><xsl:value-of select="@name"/></xsl:when>
        <xsl:otherwise>
          <xsl:call-template name="label"><xsl:with-param name="k" select="'of-no-category'"/></xsl:call-template>
        </xsl:otherwise>
      </xsl:choose>
    </fo:block>
    <fo:table table-layout="fixed" width="100%" border-collapse="collapse">
      <fo:table-column column-width="12mm"/>
      <fo:table-column column-width="proportional-column-width(1)"/>
      <fo:table-column column-width="48mm"/>
      <fo:table-column column-width="28mm"/>
      <fo:table-header>
        <fo:table-row font-weight="bold">
          <fo:table-cell xsl:use-attribute-sets="cell" border-bottom="1pt solid #000">
            <fo:block><xsl:call-template name="label"><xsl:with-param name="k" select="'of-number'"/></xsl:call-template></fo:block>
          </fo:table-cell>
          <fo:table-cell xsl:use-attribute-sets="cell" border-bottom="1pt solid #000">
            <fo:block><xsl:call-template name="label"><xsl:with-param name="k" select="'of-product'"/></xsl:call-template></fo:block>
          </fo:table-cell>
          <fo:table-cell xsl:use-attribute-sets="cell" border-bottom="1pt solid #000" text-align="end">
            <fo:block><xsl:call-template name="label"><xsl:with-param name="k" select="'of-price'"/></xsl:call-template></fo:block>
          </fo:table-cell>
          <fo:table-cell xsl:use-attribute-sets="cell" border-bottom="1pt solid #000" text-align="center">
            <fo:block><xsl:call-template name="label"><xsl:with-param name="k" select="'of-qty'"/></xsl:call-template></fo:block>
          </fo:table-cell>
        </fo:table-row>
      </fo:table-header>
      <fo:table-body>
        <xsl:apply-templates select="k:offer"/>
      </fo:table-body>
    </fo:table>
  </xsl:template>

  <xsl:template match="k:offer">
    <fo:table-row keep-together.within-page="always" height="9mm">
      <fo:table-cell xsl:use-attribute-sets="cell">
        <fo:block font-weight="bold"><xsl:value-of select="@number"/></fo:block>
      </fo:table-cell>
      <fo:table-cell xsl:use-attribute-sets="cell">
        <fo:block>
          <xsl:value-of select="@name"/>
          <xsl:if test="@organic = 'true'">
            <xsl:text> (</xsl:text>
            <xsl:call-template name="label"><xsl:with-param name="k" select="'of-organic'"/></xsl:call-template>
            <xsl:text>)</xsl:text>
          </xsl:if>
        </fo:block>
        <xsl:if test="@step != '1' or @left">
          <fo:block font-size="11pt" font-style="italic">
            <xsl:if test="@step != '1'">
              <xsl:call-template name="label"><xsl:with-param name="k" select="'of-step'"/></xsl:call-template>
              <xsl:text> </xsl:text>
              <xsl:call-template name="qty">
                <xsl:with-param name="q" select="@step"/><xsl:with-param name="unit" select="@unit"/>
              </xsl:call-template>
            </xsl:if>
            <xsl:if test="@step != '1' and @left"><xsl:text> · </xsl:text></xsl:if>
            <xsl:if test="@left">
              <xsl:call-template name="label"><xsl:with-param name="k" select="'of-left'"/></xsl:call-template>
              <xsl:text> </xsl:text>
              <xsl:call-template name="qty">
                <xsl:with-param name="q" select="@left"/><xsl:with-param name="unit" select="@unit"/>
              </xsl:call-template>
            </xsl:if>
          </fo:block>
        </xsl:if>
      </fo:table-cell>
      <fo:table-cell xsl:use-attribute-sets="cell" text-align="end">
        <fo:block font-weight="bold">
          <xsl:call-template name="money"><xsl:with-param name="cents" select="@price-cents"/></xsl:call-template>
          <xsl:text> / </xsl:text>
          <xsl:call-template name="unit-label"><xsl:with-param name="unit" select="@unit"/></xsl:call-template>
        </fo:block>
        <xsl:if test="@ref-unit">
          <fo:block font-size="11pt">
            <xsl:text>(</xsl:text>
            <xsl:call-template name="money"><xsl:with-param name="cents" select="@ref-price-cents"/></xsl:call-template>
            <xsl:text> / </xsl:text>
            <xsl:value-of select="@ref-unit"/>
            <xsl:text>)</xsl:text>
          </fo:block>
        </xsl:if>
      </fo:table-cell>
      <fo:table-cell xsl:use-attribute-sets="cell" padding="1.5mm 3mm">
        <fo:block-container height="6.5mm" border="1pt solid #000"><fo:block/></fo:block-container>
      </fo:table-cell>
    </fo:table-row>
  </xsl:template>
</xsl:stylesheet>
