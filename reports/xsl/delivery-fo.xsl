<?xml version="1.0" encoding="UTF-8"?>
<!--
  reports/xsl/delivery-fo.xsl — the delivery sheet in XSL-FO: one sheet per
  pickup point, in driving order; a header with address, slot and the stops
  serving it; customers in alphabetical order with bag number, phone, amount
  due, what is left to pay at the pickup (and how the customer pays), what was
  collected (the cash-up's amount, or a box to fill in) and room to sign; the
  totals at the end.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:fo="http://www.w3.org/1999/XSL/Format"
                xmlns:k="urn:km0:report:1" exclude-result-prefixes="k">
  <xsl:import href="fo-layout.xsl"/>

  <xsl:template match="/*" mode="sections">
    <xsl:choose>
      <xsl:when test="k:pickup-point">
        <xsl:for-each select="k:pickup-point">
          <xsl:call-template name="section">
            <xsl:with-param name="heading" select="string(k:name)"/>
          </xsl:call-template>
        </xsl:for-each>
      </xsl:when>
      <xsl:otherwise><xsl:call-template name="empty-section"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="k:pickup-point" mode="body">
    <fo:block xsl:use-attribute-sets="info">
      <xsl:value-of select="k:address"/>
    </fo:block>
    <fo:block xsl:use-attribute-sets="info">
      <xsl:call-template name="t"><xsl:with-param name="k" select="'slot'"/></xsl:call-template>
      <xsl:text> : </xsl:text>
      <xsl:value-of select="k:opening"/>
    </fo:block>
    <xsl:for-each select="k:visit">
      <fo:block xsl:use-attribute-sets="info">
        <xsl:call-template name="t"><xsl:with-param name="k" select="'served-by'"/></xsl:call-template>
        <xsl:text> </xsl:text>
        <xsl:call-template name="round-name"/>
        <xsl:text>, </xsl:text>
        <xsl:call-template name="t"><xsl:with-param name="k" select="'stop'"/></xsl:call-template>
        <xsl:value-of select="concat(' ', @stop, ' · ')"/>
        <xsl:call-template name="t"><xsl:with-param name="k" select="'eta'"/></xsl:call-template>
        <xsl:text> </xsl:text>
        <xsl:call-template name="hhmm"><xsl:with-param name="t" select="@eta"/></xsl:call-template>
        <xsl:call-template name="part"/>
      </fo:block>
    </xsl:for-each>
    <fo:table xsl:use-attribute-sets="table">
      <fo:table-column column-width="9mm"/>
      <fo:table-column column-width="proportional-column-width(1)"/>
      <fo:table-column column-width="30mm"/>
      <fo:table-column column-width="13mm"/>
      <fo:table-column column-width="22mm"/>
      <fo:table-column column-width="16mm"/>
      <fo:table-column column-width="17mm"/>
      <fo:table-column column-width="20mm"/>
      <fo:table-header>
        <fo:table-row>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'bag'"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'customer'"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'phone'"/></xsl:call-template>
          <xsl:call-template name="th">
            <xsl:with-param name="k" select="'items'"/><xsl:with-param name="align" select="'end'"/>
          </xsl:call-template>
          <xsl:call-template name="th">
            <xsl:with-param name="k" select="'due'"/><xsl:with-param name="align" select="'end'"/>
          </xsl:call-template>
          <xsl:call-template name="th">
            <xsl:with-param name="k" select="'to-collect'"/><xsl:with-param name="align" select="'end'"/>
          </xsl:call-template>
          <xsl:call-template name="th">
            <xsl:with-param name="k" select="'collected'"/><xsl:with-param name="align" select="'end'"/>
          </xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'signature'"/></xsl:call-template>
        </fo:table-row>
      </fo:table-header>
      <fo:table-body>
        <xsl:for-each select="k:customer">
          <fo:table-row xsl:use-attribute-sets="row" height="9mm">
            <fo:table-cell xsl:use-attribute-sets="td"><fo:block font-weight="bold"><xsl:value-of select="@bag"/></fo:block></fo:table-cell>
            <fo:table-cell xsl:use-attribute-sets="td">
              <fo:block><xsl:value-of select="@name"/></fo:block>
              <xsl:if test="@legal-name and @legal-name != @name">
                <fo:block font-size="7.5pt"><xsl:value-of select="@legal-name"/></fo:block>
              </xsl:if>
              <xsl:if test="@paper = 'true'">
                <fo:block font-weight="bold">
                  <xsl:call-template name="t"><xsl:with-param name="k" select="'paper-invoice'"/></xsl:call-template>
                </fo:block>
              </xsl:if>
            </fo:table-cell>
            <fo:table-cell xsl:use-attribute-sets="td"><fo:block><xsl:value-of select="@phone"/></fo:block></fo:table-cell>
            <fo:table-cell xsl:use-attribute-sets="td" text-align="end"><fo:block><xsl:value-of select="@items"/></fo:block></fo:table-cell>
            <fo:table-cell xsl:use-attribute-sets="td" text-align="end">
              <fo:block><xsl:call-template name="money"><xsl:with-param name="cents" select="@due-cents"/></xsl:call-template></fo:block>
              <xsl:if test="@changes or @estimate">
                <fo:block font-size="7pt" font-style="italic"><xsl:call-template name="order-changes"/></fo:block>
              </xsl:if>
            </fo:table-cell>
            <fo:table-cell xsl:use-attribute-sets="td" text-align="end">
              <xsl:call-template name="to-collect-cell"/>
            </fo:table-cell>
            <fo:table-cell xsl:use-attribute-sets="td" text-align="end" border-left="0.3pt solid #999">
              <fo:block>
                <xsl:if test="@collected-cents and @collected-cents != 0">
                  <xsl:call-template name="money"><xsl:with-param name="cents" select="@collected-cents"/></xsl:call-template>
                </xsl:if>
              </fo:block>
            </fo:table-cell>
            <fo:table-cell xsl:use-attribute-sets="td" border-left="0.3pt solid #999"><fo:block/></fo:table-cell>
          </fo:table-row>
        </xsl:for-each>
      </fo:table-body>
    </fo:table>
    <fo:block space-before="3mm" font-weight="bold" keep-with-previous.within-page="always">
      <xsl:call-template name="t"><xsl:with-param name="k" select="'total'"/></xsl:call-template>
      <xsl:text> : </xsl:text>
      <xsl:call-template name="count">
        <xsl:with-param name="n" select="@orders"/>
        <xsl:with-param name="one" select="'bag-lower'"/>
        <xsl:with-param name="many" select="'bags-lower'"/>
      </xsl:call-template>
      <xsl:text> · </xsl:text>
      <xsl:call-template name="count">
        <xsl:with-param name="n" select="@items"/>
        <xsl:with-param name="one" select="'item-lower'"/>
        <xsl:with-param name="many" select="'items-lower'"/>
      </xsl:call-template>
      <xsl:text> · </xsl:text>
      <xsl:call-template name="money"><xsl:with-param name="cents" select="@due-cents"/></xsl:call-template>
      <xsl:text> </xsl:text>
      <xsl:call-template name="t"><xsl:with-param name="k" select="'incl'"/></xsl:call-template>
      <xsl:if test="@to-collect-cents">
        <xsl:text> · </xsl:text>
        <xsl:call-template name="t"><xsl:with-param name="k" select="'to-collect'"/></xsl:call-template>
        <xsl:text> </xsl:text>
        <xsl:call-template name="money"><xsl:with-param name="cents" select="@to-collect-cents"/></xsl:call-template>
        <xsl:text> · </xsl:text>
        <xsl:call-template name="t"><xsl:with-param name="k" select="'collected'"/></xsl:call-template>
        <xsl:text> </xsl:text>
        <xsl:call-template name="money"><xsl:with-param name="cents" select="@collected-cents"/></xsl:call-template>
      </xsl:if>
    </fo:block>
    <fo:block font-size="7.5pt" keep-with-previous.within-page="always">
      <xsl:call-template name="t">
        <xsl:with-param name="k" select="concat('seller-', $head/k:seller-mode)"/>
      </xsl:call-template>
    </fo:block>
  </xsl:template>

  <!-- What is left to pay at the pickup, and how: "12,34 €" under "sur place",
       "payé" when nothing is left, the method's word when another way pays it. -->
  <xsl:template name="to-collect-cell">
    <fo:block>
      <xsl:choose>
        <xsl:when test="not(@to-collect-cents)"/>
        <xsl:when test="@to-collect-cents &lt;= 0">
          <xsl:call-template name="t"><xsl:with-param name="k" select="'paid'"/></xsl:call-template>
        </xsl:when>
        <xsl:otherwise>
          <xsl:call-template name="money"><xsl:with-param name="cents" select="@to-collect-cents"/></xsl:call-template>
        </xsl:otherwise>
      </xsl:choose>
    </fo:block>
    <xsl:if test="@payment-method and @payment-method != 'onsite' and @to-collect-cents &gt; 0">
      <fo:block font-size="7pt">
        <xsl:call-template name="t"><xsl:with-param name="k" select="concat('pay-', @payment-method)"/></xsl:call-template>
      </fo:block>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
