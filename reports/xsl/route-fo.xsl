<?xml version="1.0" encoding="UTF-8"?>
<!--
  reports/xsl/route-fo.xsl — the route sheet in XSL-FO: one sheet per round;
  its stops in driving order (arrival, pickup point, bags and kilograms to
  unload, kilometres), the way back, then the loading order: the last stop's
  bags go into the vehicle first.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:fo="http://www.w3.org/1999/XSL/Format"
                xmlns:k="urn:km0:report:1" exclude-result-prefixes="k">
  <xsl:import href="fo-layout.xsl"/>

  <xsl:template match="/*" mode="sections">
    <xsl:choose>
      <xsl:when test="k:round">
        <xsl:for-each select="k:round">
          <xsl:call-template name="section">
            <xsl:with-param name="heading">
              <xsl:call-template name="round-name"/>
            </xsl:with-param>
          </xsl:call-template>
        </xsl:for-each>
      </xsl:when>
      <xsl:otherwise><xsl:call-template name="empty-section"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="bag-range">
    <xsl:call-template name="int"><xsl:with-param name="n" select="@bags"/></xsl:call-template>
    <xsl:if test="@first-bag">
      <xsl:value-of select="concat(' (', @first-bag, '–', @last-bag, ')')"/>
    </xsl:if>
  </xsl:template>

  <xsl:template match="k:round" mode="body">
    <fo:block xsl:use-attribute-sets="info">
      <xsl:call-template name="t"><xsl:with-param name="k" select="'departure'"/></xsl:call-template>
      <xsl:text> </xsl:text>
      <xsl:call-template name="hhmm"><xsl:with-param name="t" select="@departs-at"/></xsl:call-template>
      <xsl:text> · </xsl:text>
      <xsl:call-template name="t"><xsl:with-param name="k" select="'return'"/></xsl:call-template>
      <xsl:text> </xsl:text>
      <xsl:call-template name="hhmm"><xsl:with-param name="t" select="@returns-at"/></xsl:call-template>
      <xsl:text> · </xsl:text>
      <xsl:call-template name="t"><xsl:with-param name="k" select="'distance'"/></xsl:call-template>
      <xsl:text> </xsl:text>
      <xsl:call-template name="km"><xsl:with-param name="m" select="@distance-m"/></xsl:call-template>
    </fo:block>
    <fo:block xsl:use-attribute-sets="info">
      <xsl:call-template name="t"><xsl:with-param name="k" select="'load'"/></xsl:call-template>
      <xsl:text> </xsl:text>
      <xsl:call-template name="kg"><xsl:with-param name="g" select="@load-g"/></xsl:call-template>
      <xsl:text> / </xsl:text>
      <xsl:call-template name="kg"><xsl:with-param name="g" select="@capacity-g"/></xsl:call-template>
      <xsl:text> · </xsl:text>
      <xsl:call-template name="count">
        <xsl:with-param name="n" select="@bags"/>
        <xsl:with-param name="one" select="'bag-lower'"/>
        <xsl:with-param name="many" select="'bags-lower'"/>
      </xsl:call-template>
      <xsl:text> · </xsl:text>
      <xsl:value-of select="@stops"/>
      <xsl:text> </xsl:text>
      <xsl:call-template name="t"><xsl:with-param name="k" select="'stops'"/></xsl:call-template>
    </fo:block>
    <fo:table xsl:use-attribute-sets="table">
      <fo:table-column column-width="9mm"/>
      <fo:table-column column-width="14mm"/>
      <fo:table-column column-width="proportional-column-width(1)"/>
      <fo:table-column column-width="26mm"/>
      <fo:table-column column-width="17mm"/>
      <fo:table-column column-width="17mm"/>
      <fo:table-column column-width="17mm"/>
      <fo:table-header>
        <fo:table-row>
          <fo:table-cell xsl:use-attribute-sets="th"><fo:block>#</fo:block></fo:table-cell>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'eta'"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'pickup-point'"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'bags'"/></xsl:call-template>
          <xsl:call-template name="th">
            <xsl:with-param name="k" select="'weight'"/><xsl:with-param name="align" select="'end'"/>
          </xsl:call-template>
          <xsl:call-template name="th">
            <xsl:with-param name="k" select="'leg'"/><xsl:with-param name="align" select="'end'"/>
          </xsl:call-template>
          <xsl:call-template name="th">
            <xsl:with-param name="k" select="'total'"/><xsl:with-param name="align" select="'end'"/>
          </xsl:call-template>
        </fo:table-row>
      </fo:table-header>
      <fo:table-body>
        <xsl:for-each select="k:stop">
          <fo:table-row xsl:use-attribute-sets="row">
            <fo:table-cell xsl:use-attribute-sets="td"><fo:block font-weight="bold"><xsl:value-of select="@seq"/></fo:block></fo:table-cell>
            <fo:table-cell xsl:use-attribute-sets="td">
              <fo:block font-weight="bold"><xsl:call-template name="hhmm"><xsl:with-param name="t" select="@eta"/></xsl:call-template></fo:block>
              <xsl:if test="@late = 'true'">
                <fo:block font-size="7.5pt" font-weight="bold">
                  <xsl:call-template name="t"><xsl:with-param name="k" select="'late'"/></xsl:call-template>
                </fo:block>
              </xsl:if>
            </fo:table-cell>
            <fo:table-cell xsl:use-attribute-sets="td">
              <fo:block font-weight="bold">
                <xsl:value-of select="k:pickup-point/@name"/>
                <xsl:call-template name="part"/>
              </fo:block>
              <fo:block font-size="7.5pt">
                <xsl:value-of select="concat(k:pickup-point/@address, ' · ', k:pickup-point/@opening)"/>
              </fo:block>
            </fo:table-cell>
            <fo:table-cell xsl:use-attribute-sets="td"><fo:block><xsl:call-template name="bag-range"/></fo:block></fo:table-cell>
            <fo:table-cell xsl:use-attribute-sets="td" text-align="end">
              <fo:block><xsl:call-template name="kg"><xsl:with-param name="g" select="@load-g"/></xsl:call-template></fo:block>
            </fo:table-cell>
            <fo:table-cell xsl:use-attribute-sets="td" text-align="end">
              <fo:block><xsl:call-template name="km"><xsl:with-param name="m" select="@leg-m"/></xsl:call-template></fo:block>
            </fo:table-cell>
            <fo:table-cell xsl:use-attribute-sets="td" text-align="end">
              <fo:block><xsl:call-template name="km"><xsl:with-param name="m" select="@cumulative-m"/></xsl:call-template></fo:block>
            </fo:table-cell>
          </fo:table-row>
        </xsl:for-each>
        <xsl:for-each select="k:return">
          <fo:table-row xsl:use-attribute-sets="row">
            <fo:table-cell xsl:use-attribute-sets="td"><fo:block/></fo:table-cell>
            <fo:table-cell xsl:use-attribute-sets="td">
              <fo:block font-weight="bold"><xsl:call-template name="hhmm"><xsl:with-param name="t" select="@at"/></xsl:call-template></fo:block>
            </fo:table-cell>
            <fo:table-cell xsl:use-attribute-sets="td" number-columns-spanned="3">
              <fo:block font-weight="bold">
                <xsl:call-template name="t"><xsl:with-param name="k" select="'return'"/></xsl:call-template>
              </fo:block>
              <fo:block font-size="7.5pt"><xsl:value-of select="$head/k:hub/k:address"/></fo:block>
            </fo:table-cell>
            <fo:table-cell xsl:use-attribute-sets="td" text-align="end">
              <fo:block><xsl:call-template name="km"><xsl:with-param name="m" select="@leg-m"/></xsl:call-template></fo:block>
            </fo:table-cell>
            <fo:table-cell xsl:use-attribute-sets="td" text-align="end">
              <fo:block><xsl:call-template name="km"><xsl:with-param name="m" select="@cumulative-m"/></xsl:call-template></fo:block>
            </fo:table-cell>
          </fo:table-row>
        </xsl:for-each>
      </fo:table-body>
    </fo:table>

    <fo:block font-size="10.5pt" font-weight="bold" space-before="6mm" keep-with-next.within-page="always">
      <xsl:call-template name="t"><xsl:with-param name="k" select="'loading'"/></xsl:call-template>
    </fo:block>
    <fo:table xsl:use-attribute-sets="table">
      <fo:table-column column-width="9mm"/>
      <fo:table-column column-width="proportional-column-width(1)"/>
      <fo:table-column column-width="36mm"/>
      <fo:table-column column-width="20mm"/>
      <fo:table-header>
        <fo:table-row>
          <fo:table-cell xsl:use-attribute-sets="th"><fo:block>#</fo:block></fo:table-cell>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'stop'"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'bags'"/></xsl:call-template>
          <xsl:call-template name="th">
            <xsl:with-param name="k" select="'weight'"/><xsl:with-param name="align" select="'end'"/>
          </xsl:call-template>
        </fo:table-row>
      </fo:table-header>
      <fo:table-body>
        <xsl:for-each select="k:stop">
          <xsl:sort select="@seq" data-type="number" order="descending"/>
          <fo:table-row xsl:use-attribute-sets="row">
            <fo:table-cell xsl:use-attribute-sets="td"><fo:block font-weight="bold"><xsl:value-of select="position()"/></fo:block></fo:table-cell>
            <fo:table-cell xsl:use-attribute-sets="td">
              <fo:block>
                <xsl:call-template name="t"><xsl:with-param name="k" select="'stop'"/></xsl:call-template>
                <xsl:value-of select="concat(' ', @seq, ' : ', k:pickup-point/@name)"/>
                <xsl:call-template name="part"/>
              </fo:block>
            </fo:table-cell>
            <fo:table-cell xsl:use-attribute-sets="td"><fo:block><xsl:call-template name="bag-range"/></fo:block></fo:table-cell>
            <fo:table-cell xsl:use-attribute-sets="td" text-align="end">
              <fo:block><xsl:call-template name="kg"><xsl:with-param name="g" select="@load-g"/></xsl:call-template></fo:block>
            </fo:table-cell>
          </fo:table-row>
        </xsl:for-each>
      </fo:table-body>
    </fo:table>
  </xsl:template>
</xsl:stylesheet>
