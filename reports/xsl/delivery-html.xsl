<?xml version="1.0" encoding="UTF-8"?>
<!--
  reports/xsl/delivery-html.xsl — the delivery sheet as a printable HTML page:
  one sheet per pickup point, customers alphabetical with bag, phone, amount due
  and room to sign, totals at the end.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:k="urn:km0:report:1" exclude-result-prefixes="k">
  <xsl:import href="html-layout.xsl"/>

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
    <p><xsl:value-of select="k:address"/></p>
    <p>
      <xsl:call-template name="t"><xsl:with-param name="k" select="'slot'"/></xsl:call-template>
      <xsl:text> : </xsl:text>
      <xsl:value-of select="k:opening"/>
    </p>
    <xsl:for-each select="k:visit">
      <p>
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
      </p>
    </xsl:for-each>
    <table>
      <thead>
        <tr>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'bag'"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'customer'"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'phone'"/></xsl:call-template>
          <xsl:call-template name="th">
            <xsl:with-param name="k" select="'items'"/><xsl:with-param name="class" select="'num'"/>
          </xsl:call-template>
          <xsl:call-template name="th">
            <xsl:with-param name="k" select="'due'"/><xsl:with-param name="class" select="'num'"/>
          </xsl:call-template>
          <xsl:call-template name="th">
            <xsl:with-param name="k" select="'to-collect'"/><xsl:with-param name="class" select="'num'"/>
          </xsl:call-template>
          <xsl:call-template name="th">
            <xsl:with-param name="k" select="'collected'"/><xsl:with-param name="class" select="'num'"/>
          </xsl:call-template>
          <xsl:call-template name="th">
            <xsl:with-param name="k" select="'signature'"/><xsl:with-param name="class" select="'sign'"/>
          </xsl:call-template>
        </tr>
      </thead>
      <tbody>
        <xsl:for-each select="k:customer">
          <tr class="tall">
            <td><b><xsl:value-of select="@bag"/></b></td>
            <td>
              <xsl:value-of select="@name"/>
              <xsl:if test="@legal-name and @legal-name != @name">
                <div class="small"><xsl:value-of select="@legal-name"/></div>
              </xsl:if>
              <xsl:if test="@paper = 'true'">
                <div class="paper">
                  <xsl:call-template name="t"><xsl:with-param name="k" select="'paper-invoice'"/></xsl:call-template>
                </div>
              </xsl:if>
            </td>
            <td><xsl:value-of select="@phone"/></td>
            <td class="num"><xsl:value-of select="@items"/></td>
            <td class="num">
              <xsl:call-template name="money"><xsl:with-param name="cents" select="@due-cents"/></xsl:call-template>
              <xsl:if test="@changes or @estimate">
                <div class="small"><i><xsl:call-template name="order-changes"/></i></div>
              </xsl:if>
            </td>
            <td class="num">
              <xsl:choose>
                <xsl:when test="not(@to-collect-cents)"/>
                <xsl:when test="@to-collect-cents &lt;= 0"><xsl:call-template name="t"><xsl:with-param name="k" select="'paid'"/></xsl:call-template></xsl:when>
                <xsl:otherwise>
                  <xsl:call-template name="money"><xsl:with-param name="cents" select="@to-collect-cents"/></xsl:call-template>
                  <xsl:if test="@payment-method != 'onsite'">
                    <div class="small"><xsl:call-template name="t"><xsl:with-param name="k" select="concat('pay-', @payment-method)"/></xsl:call-template></div>
                  </xsl:if>
                </xsl:otherwise>
              </xsl:choose>
            </td>
            <td class="num sign">
              <xsl:if test="@collected-cents and @collected-cents != 0">
                <xsl:call-template name="money"><xsl:with-param name="cents" select="@collected-cents"/></xsl:call-template>
              </xsl:if>
            </td>
            <td class="sign"></td>
          </tr>
        </xsl:for-each>
      </tbody>
    </table>
    <p class="sum"><b>
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
    </b></p>
    <p class="small">
      <xsl:call-template name="t">
        <xsl:with-param name="k" select="concat('seller-', $head/k:seller-mode)"/>
      </xsl:call-template>
    </p>
  </xsl:template>
</xsl:stylesheet>
