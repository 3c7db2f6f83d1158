<?xml version="1.0" encoding="UTF-8"?>
<!--
  reports/xsl/receipts-fo.xsl — the receipts for the bags of paper customers, one
  sheet each (it goes in the bag): bag number, customer, pickup point, every line
  with its amount including VAT, and the total to pay in large type. Type is 11 pt
  and more: the reader may be the one who could not read a screen.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:fo="http://www.w3.org/1999/XSL/Format"
                xmlns:k="urn:km0:report:1" exclude-result-prefixes="k">
  <xsl:import href="fo-layout.xsl"/>

  <xsl:template match="/*" mode="sections">
    <xsl:choose>
      <xsl:when test="k:receipt">
        <xsl:for-each select="k:receipt">
          <xsl:call-template name="section">
            <xsl:with-param name="heading">
              <xsl:call-template name="t"><xsl:with-param name="k" select="'bag'"/></xsl:call-template>
              <xsl:value-of select="concat(' ', @bag, ' — ', k:customer/@name)"/>
            </xsl:with-param>
          </xsl:call-template>
        </xsl:for-each>
      </xsl:when>
      <xsl:otherwise><xsl:call-template name="empty-section"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="k:receipt" mode="body">
    <fo:block font-size="11pt">
      <fo:block><xsl:value-of select="concat(k:customer/@name, ' · ', k:customer/@phone)"/></fo:block>
      <fo:block>
        <xsl:call-template name="t"><xsl:with-param name="k" select="'pickup-point'"/></xsl:call-template>
        <xsl:value-of select="concat(' : ', k:pickup-point/@name, ' — ', k:pickup-point/@opening)"/>
      </fo:block>
      <fo:table xsl:use-attribute-sets="table">
        <fo:table-column column-width="proportional-column-width(5)"/>
        <fo:table-column column-width="28mm"/>
        <fo:table-column column-width="30mm"/>
        <fo:table-column column-width="30mm"/>
        <fo:table-header>
          <fo:table-row>
            <xsl:call-template name="th"><xsl:with-param name="k" select="'product'"/></xsl:call-template>
            <xsl:call-template name="th"><xsl:with-param name="k" select="'quantity'"/><xsl:with-param name="align" select="'end'"/></xsl:call-template>
            <xsl:call-template name="th"><xsl:with-param name="k" select="'rc-unit-price'"/><xsl:with-param name="align" select="'end'"/></xsl:call-template>
            <xsl:call-template name="th"><xsl:with-param name="k" select="'rc-amount'"/><xsl:with-param name="align" select="'end'"/></xsl:call-template>
          </fo:table-row>
        </fo:table-header>
        <fo:table-body>
          <xsl:for-each select="k:line">
            <fo:table-row xsl:use-attribute-sets="row">
              <fo:table-cell xsl:use-attribute-sets="td">
                <fo:block><xsl:value-of select="@product"/></fo:block>
                <fo:block><xsl:value-of select="@producer-name"/></fo:block>
              </fo:table-cell>
              <fo:table-cell xsl:use-attribute-sets="td" text-align="end">
                <fo:block><xsl:call-template name="qty"><xsl:with-param name="q" select="@quantity"/><xsl:with-param name="unit" select="@unit"/></xsl:call-template></fo:block>
              </fo:table-cell>
              <fo:table-cell xsl:use-attribute-sets="td" text-align="end">
                <fo:block><xsl:call-template name="money"><xsl:with-param name="cents" select="@unit-price-cents"/></xsl:call-template></fo:block>
              </fo:table-cell>
              <fo:table-cell xsl:use-attribute-sets="td" text-align="end">
                <fo:block>
                  <xsl:call-template name="money"><xsl:with-param name="cents" select="@amount-cents"/></xsl:call-template>
                  <xsl:if test="@rounding = 'true'">*</xsl:if>
                </fo:block>
              </fo:table-cell>
            </fo:table-row>
          </xsl:for-each>
        </fo:table-body>
      </fo:table>
      <fo:block space-before="4mm" font-size="14pt" font-weight="bold" text-align="end"
                keep-with-previous.within-page="always">
        <xsl:call-template name="t"><xsl:with-param name="k" select="'rc-total'"/></xsl:call-template>
        <xsl:text> : </xsl:text>
        <xsl:call-template name="money"><xsl:with-param name="cents" select="@total-cents"/></xsl:call-template>
      </fo:block>
      <xsl:if test="k:line/@rounding = 'true'">
        <fo:block space-before="2mm"><xsl:call-template name="t"><xsl:with-param name="k" select="'rc-rounding'"/></xsl:call-template></fo:block>
      </xsl:if>
      <fo:block space-before="3mm"><xsl:call-template name="t"><xsl:with-param name="k" select="'rc-invoice'"/></xsl:call-template></fo:block>
    </fo:block>
  </xsl:template>
</xsl:stylesheet>
