<?xml version="1.0" encoding="UTF-8"?>
<!--
  reports/xsl/collection-html.xsl — the collection list as a printable HTML
  page: one sheet per producer, a column per round, totals and weights.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:k="urn:km0:report:1" exclude-result-prefixes="k">
  <xsl:import href="html-layout.xsl"/>

  <xsl:variable name="rounds" select="/*/k:round"/>

  <xsl:template match="/*" mode="sections">
    <xsl:choose>
      <xsl:when test="k:producer">
        <xsl:for-each select="k:producer">
          <xsl:call-template name="section">
            <xsl:with-param name="heading" select="string(@name)"/>
          </xsl:call-template>
        </xsl:for-each>
      </xsl:when>
      <xsl:otherwise><xsl:call-template name="empty-section"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="k:producer" mode="body">
    <xsl:variable name="producer" select="."/>
    <p>
      <xsl:call-template name="t"><xsl:with-param name="k" select="'bring-to'"/></xsl:call-template>
      <xsl:value-of select="concat(' : ', $head/k:hub/k:name, ', ', $head/k:hub/k:address)"/>
    </p>
    <p>
      <xsl:call-template name="count">
        <xsl:with-param name="n" select="@products"/>
        <xsl:with-param name="one" select="'product-lower'"/>
        <xsl:with-param name="many" select="'products-lower'"/>
      </xsl:call-template>
      <xsl:text> · </xsl:text>
      <xsl:call-template name="kg"><xsl:with-param name="g" select="@weight-g"/></xsl:call-template>
    </p>
    <table>
      <thead>
        <tr>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'product'"/></xsl:call-template>
          <xsl:for-each select="$rounds">
            <th class="num">
              <xsl:call-template name="t"><xsl:with-param name="k" select="'round'"/></xsl:call-template>
              <xsl:value-of select="concat(' ', @seq)"/>
              <div class="small"><xsl:value-of select="@vehicle-name"/></div>
            </th>
          </xsl:for-each>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'total'"/><xsl:with-param name="class" select="'num'"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'weight'"/><xsl:with-param name="class" select="'num'"/></xsl:call-template>
        </tr>
      </thead>
      <tbody>
        <xsl:for-each select="k:product">
          <xsl:variable name="product" select="."/>
          <tr>
            <td>
              <xsl:value-of select="@name"/>
              <div class="small"><xsl:value-of select="@sku"/></div>
              <xsl:if test="@reason"><div class="small"><i><xsl:value-of select="@reason"/></i></div></xsl:if>
            </td>
            <xsl:for-each select="$rounds">
              <xsl:variable name="in" select="$product/k:in-round[@round = current()/@id]"/>
              <td class="num">
                <xsl:choose>
                  <xsl:when test="$in">
                    <xsl:for-each select="$in">
                      <xsl:call-template name="qty-delivered">
                        <xsl:with-param name="unit" select="$product/@unit"/>
                      </xsl:call-template>
                    </xsl:for-each>
                  </xsl:when>
                  <xsl:otherwise>–</xsl:otherwise>
                </xsl:choose>
              </td>
            </xsl:for-each>
            <td class="num"><b><xsl:call-template name="qty-delivered"/></b></td>
            <td class="num"><xsl:call-template name="kg"><xsl:with-param name="g" select="@weight-g"/></xsl:call-template></td>
          </tr>
        </xsl:for-each>
        <tr class="total">
          <td><xsl:call-template name="t"><xsl:with-param name="k" select="'weight'"/></xsl:call-template></td>
          <xsl:for-each select="$rounds">
            <td class="num">
              <xsl:call-template name="kg">
                <xsl:with-param name="g" select="$producer/k:round-total[@round = current()/@id]/@weight-g"/>
              </xsl:call-template>
            </td>
          </xsl:for-each>
          <td></td>
          <td class="num"><xsl:call-template name="kg"><xsl:with-param name="g" select="@weight-g"/></xsl:call-template></td>
        </tr>
      </tbody>
    </table>
  </xsl:template>
</xsl:stylesheet>
