<?xml version="1.0" encoding="UTF-8"?>
<!--
  reports/xsl/picking-fo.xsl — the picking list in XSL-FO: one sheet per stop
  (round, then pickup point), each bag a header row (bag number, customer, items,
  weight) followed by its items with a box to tick. A bag stays on one page
  when it fits; a bag longer than a page goes on, and every item row repeats
  the bag number so that none is lost.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:fo="http://www.w3.org/1999/XSL/Format"
                xmlns:k="urn:km0:report:1" exclude-result-prefixes="k">
  <xsl:import href="fo-layout.xsl"/>
  <!-- a customer without e-mail: a printed receipt goes in the bag (receipts document) -->
  <xsl:variable name="paper-mark">
    <xsl:call-template name="t"><xsl:with-param name="k" select="'paper-receipt'"/></xsl:call-template>
  </xsl:variable>

  <xsl:template match="/*" mode="sections">
    <xsl:choose>
      <xsl:when test="k:round/k:stop">
        <xsl:for-each select="k:round/k:stop">
          <xsl:call-template name="section">
            <xsl:with-param name="heading">
              <xsl:call-template name="round-name"><xsl:with-param name="r" select=".."/></xsl:call-template>
              <xsl:text> — </xsl:text>
              <xsl:call-template name="t"><xsl:with-param name="k" select="'stop'"/></xsl:call-template>
              <xsl:value-of select="concat(' ', @seq, ' : ', k:pickup-point/@name)"/>
              <xsl:call-template name="part"/>
            </xsl:with-param>
          </xsl:call-template>
        </xsl:for-each>
      </xsl:when>
      <xsl:otherwise><xsl:call-template name="empty-section"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="k:stop" mode="body">
    <fo:block xsl:use-attribute-sets="info">
      <xsl:value-of select="k:pickup-point/@address"/>
      <xsl:text> · </xsl:text>
      <xsl:value-of select="k:pickup-point/@opening"/>
    </fo:block>
    <fo:block xsl:use-attribute-sets="info">
      <xsl:call-template name="t"><xsl:with-param name="k" select="'eta'"/></xsl:call-template>
      <xsl:text> </xsl:text>
      <xsl:call-template name="hhmm"><xsl:with-param name="t" select="@eta"/></xsl:call-template>
      <xsl:text> · </xsl:text>
      <xsl:call-template name="count">
        <xsl:with-param name="n" select="@bags"/>
        <xsl:with-param name="one" select="'bag-lower'"/>
        <xsl:with-param name="many" select="'bags-lower'"/>
      </xsl:call-template>
      <xsl:value-of select="concat(' (', k:bag[1]/@number, '–', k:bag[last()]/@number, ') · ')"/>
      <xsl:call-template name="kg"><xsl:with-param name="g" select="@weight-g"/></xsl:call-template>
    </fo:block>
    <fo:table xsl:use-attribute-sets="table">
      <fo:table-column column-width="7mm"/>
      <fo:table-column column-width="11mm"/>
      <!-- product and producer share what the fixed columns leave: the producer keeps the
           width it had before the "actual" column came, so that a farm's name stays on
           one line -->
      <fo:table-column column-width="proportional-column-width(5)"/>
      <fo:table-column column-width="proportional-column-width(4)"/>
      <fo:table-column column-width="24mm"/>
      <fo:table-column column-width="16mm"/>
      <fo:table-column column-width="18mm"/>
      <fo:table-header>
        <fo:table-row>
          <fo:table-cell xsl:use-attribute-sets="th"><fo:block/></fo:table-cell>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'bag'"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'product'"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'producer'"/></xsl:call-template>
          <xsl:call-template name="th">
            <xsl:with-param name="k" select="'quantity'"/><xsl:with-param name="align" select="'end'"/>
          </xsl:call-template>
          <xsl:call-template name="th">
            <xsl:with-param name="k" select="'weight'"/><xsl:with-param name="align" select="'end'"/>
          </xsl:call-template>
          <xsl:call-template name="th">
            <xsl:with-param name="k" select="'actual'"/><xsl:with-param name="align" select="'end'"/>
          </xsl:call-template>
        </fo:table-row>
      </fo:table-header>
      <fo:table-body>
        <xsl:apply-templates select="k:bag"/>
      </fo:table-body>
    </fo:table>
  </xsl:template>

  <xsl:template match="k:bag">
    <fo:table-row xsl:use-attribute-sets="row" keep-with-next.within-page="always" background-color="#f0f0f0">
      <fo:table-cell xsl:use-attribute-sets="td" number-columns-spanned="7" padding-top="3pt">
        <fo:block font-weight="bold">
          <xsl:call-template name="t"><xsl:with-param name="k" select="'bag'"/></xsl:call-template>
          <xsl:value-of select="concat(' ', @number, ' — ', k:customer/@name)"/>
          <xsl:if test="k:customer/@paper = 'true'">
            <fo:inline border="1pt solid #000" padding="0 2pt">
              <xsl:value-of select="concat(' ', $paper-mark, ' ')"/>
            </fo:inline>
          </xsl:if>
          <fo:inline font-weight="normal">
            <xsl:if test="k:customer/@phone != ''">
              <xsl:value-of select="concat(' · ', k:customer/@phone)"/>
            </xsl:if>
            <xsl:text> · </xsl:text>
            <xsl:call-template name="count">
              <xsl:with-param name="n" select="@items"/>
              <xsl:with-param name="one" select="'item-lower'"/>
              <xsl:with-param name="many" select="'items-lower'"/>
            </xsl:call-template>
            <xsl:text> · </xsl:text>
            <xsl:call-template name="kg"><xsl:with-param name="g" select="@weight-g"/></xsl:call-template>
          </fo:inline>
        </fo:block>
      </fo:table-cell>
    </fo:table-row>
    <xsl:for-each select="k:item">
      <!-- integer keeps: the bag stays together when it fits, and breaks when it cannot -->
      <fo:table-row xsl:use-attribute-sets="row" keep-with-previous.within-page="5">
        <fo:table-cell xsl:use-attribute-sets="td"><xsl:call-template name="tick-box"/></fo:table-cell>
        <fo:table-cell xsl:use-attribute-sets="td"><fo:block><xsl:value-of select="../@number"/></fo:block></fo:table-cell>
        <fo:table-cell xsl:use-attribute-sets="td"><fo:block><xsl:value-of select="@product"/></fo:block></fo:table-cell>
        <fo:table-cell xsl:use-attribute-sets="td"><fo:block><xsl:value-of select="@producer-name"/></fo:block></fo:table-cell>
        <fo:table-cell xsl:use-attribute-sets="td" text-align="end">
          <fo:block>
            <xsl:if test="@delivered"><xsl:attribute name="font-weight">bold</xsl:attribute></xsl:if>
            <xsl:call-template name="qty-delivered"/>
          </fo:block>
          <xsl:if test="@reason">
            <fo:block font-size="7pt" font-style="italic"><xsl:value-of select="@reason"/></fo:block>
          </xsl:if>
        </fo:table-cell>
        <fo:table-cell xsl:use-attribute-sets="td" text-align="end">
          <fo:block><xsl:call-template name="kg"><xsl:with-param name="g" select="@weight-g"/></xsl:call-template></fo:block>
        </fo:table-cell>
        <!-- weighed items: the weight once known, else a box to write it in -->
        <fo:table-cell xsl:use-attribute-sets="td" text-align="end">
          <xsl:choose>
            <xsl:when test="@measure and @actual">
              <fo:block font-weight="bold"><xsl:call-template name="measured"/></fo:block>
            </xsl:when>
            <xsl:when test="@measure and @estimate &gt; 0">
              <fo:block-container height="5mm" border="0.7pt solid #000"><fo:block/></fo:block-container>
              <fo:block font-size="7pt"><xsl:call-template name="measured"/></fo:block>
            </xsl:when>
            <xsl:otherwise><fo:block/></xsl:otherwise>
          </xsl:choose>
        </fo:table-cell>
      </fo:table-row>
    </xsl:for-each>
  </xsl:template>
</xsl:stylesheet>
