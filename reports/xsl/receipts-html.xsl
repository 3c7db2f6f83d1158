<?xml version="1.0" encoding="UTF-8"?>
<!--
  reports/xsl/receipts-html.xsl — the receipts for the bags of paper customers as
  printable HTML, one sheet each, as receipts-fo.xsl lays them out.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:k="urn:km0:report:1" exclude-result-prefixes="k">
  <xsl:import href="html-layout.xsl"/>

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
    <div class="receipt">
      <p><xsl:value-of select="concat(k:customer/@name, ' · ', k:customer/@phone)"/></p>
      <p>
        <xsl:call-template name="t"><xsl:with-param name="k" select="'pickup-point'"/></xsl:call-template>
        <xsl:value-of select="concat(' : ', k:pickup-point/@name, ' — ', k:pickup-point/@opening)"/>
      </p>
      <table>
        <thead>
          <tr>
            <xsl:call-template name="th"><xsl:with-param name="k" select="'product'"/></xsl:call-template>
            <xsl:call-template name="th"><xsl:with-param name="k" select="'quantity'"/></xsl:call-template>
            <xsl:call-template name="th"><xsl:with-param name="k" select="'rc-unit-price'"/></xsl:call-template>
            <xsl:call-template name="th"><xsl:with-param name="k" select="'rc-amount'"/></xsl:call-template>
          </tr>
        </thead>
        <tbody>
          <xsl:for-each select="k:line">
            <tr>
              <td><xsl:value-of select="@product"/><div><xsl:value-of select="@producer-name"/></div></td>
              <td class="num"><xsl:call-template name="qty"><xsl:with-param name="q" select="@quantity"/><xsl:with-param name="unit" select="@unit"/></xsl:call-template></td>
              <td class="num"><xsl:call-template name="money"><xsl:with-param name="cents" select="@unit-price-cents"/></xsl:call-template></td>
              <td class="num">
                <xsl:call-template name="money"><xsl:with-param name="cents" select="@amount-cents"/></xsl:call-template>
                <xsl:if test="@rounding = 'true'">*</xsl:if>
              </td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
      <p class="sum receipt-total"><b>
        <xsl:call-template name="t"><xsl:with-param name="k" select="'rc-total'"/></xsl:call-template>
        <xsl:text> : </xsl:text>
        <xsl:call-template name="money"><xsl:with-param name="cents" select="@total-cents"/></xsl:call-template>
      </b></p>
      <xsl:if test="k:line/@rounding = 'true'">
        <p><xsl:call-template name="t"><xsl:with-param name="k" select="'rc-rounding'"/></xsl:call-template></p>
      </xsl:if>
      <p><xsl:call-template name="t"><xsl:with-param name="k" select="'rc-invoice'"/></xsl:call-template></p>
    </div>
  </xsl:template>
</xsl:stylesheet>
