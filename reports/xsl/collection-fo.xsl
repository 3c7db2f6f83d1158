<?xml version="1.0" encoding="UTF-8"?>
<!--
  reports/xsl/collection-fo.xsl — the collection list in XSL-FO: one sheet per
  producer; a row per product with the quantity for each round (one column per
  round, so the producer can pack per vehicle), the total and its weight; the
  weights per round at the bottom.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:fo="http://www.w3.org/1999/XSL/Format"
                xmlns:k="urn:km0:report:1" exclude-result-prefixes="k">
  <xsl:import href="fo-layout.xsl"/>

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
    <fo:block xsl:use-attribute-sets="info">
      <xsl:call-template name="t"><xsl:with-param name="k" select="'bring-to'"/></xsl:call-template>
      <xsl:value-of select="concat(' : ', $head/k:hub/k:name, ', ', $head/k:hub/k:address)"/>
    </fo:block>
    <fo:block xsl:use-attribute-sets="info">
      <xsl:call-template name="count">
        <xsl:with-param name="n" select="@products"/>
        <xsl:with-param name="one" select="'product-lower'"/>
        <xsl:with-param name="many" select="'products-lower'"/>
      </xsl:call-template>
      <xsl:text> · </xsl:text>
      <xsl:call-template name="kg"><xsl:with-param name="g" select="@weight-g"/></xsl:call-template>
    </fo:block>
    <fo:table xsl:use-attribute-sets="table">
      <fo:table-column column-width="proportional-column-width(1)"/>
      <xsl:for-each select="$rounds"><fo:table-column column-width="24mm"/></xsl:for-each>
      <fo:table-column column-width="24mm"/>
      <fo:table-column column-width="17mm"/>
      <fo:table-header>
        <fo:table-row>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'product'"/></xsl:call-template>
          <xsl:for-each select="$rounds">
            <fo:table-cell xsl:use-attribute-sets="th" text-align="end">
              <fo:block>
                <xsl:call-template name="t"><xsl:with-param name="k" select="'round'"/></xsl:call-template>
                <xsl:value-of select="concat(' ', @seq)"/>
              </fo:block>
              <fo:block font-weight="normal" font-size="7.5pt"><xsl:value-of select="@vehicle-name"/></fo:block>
            </fo:table-cell>
          </xsl:for-each>
          <xsl:call-template name="th">
            <xsl:with-param name="k" select="'total'"/><xsl:with-param name="align" select="'end'"/>
          </xsl:call-template>
          <xsl:call-template name="th">
            <xsl:with-param name="k" select="'weight'"/><xsl:with-param name="align" select="'end'"/>
          </xsl:call-template>
        </fo:table-row>
      </fo:table-header>
      <fo:table-body>
        <xsl:for-each select="k:product">
          <xsl:variable name="product" select="."/>
          <fo:table-row xsl:use-attribute-sets="row">
            <fo:table-cell xsl:use-attribute-sets="td">
              <fo:block><xsl:value-of select="@name"/></fo:block>
              <fo:block font-size="7pt" color="#444"><xsl:value-of select="@sku"/></fo:block>
              <xsl:if test="@reason">
                <fo:block font-size="7pt" font-style="italic"><xsl:value-of select="@reason"/></fo:block>
              </xsl:if>
            </fo:table-cell>
            <xsl:for-each select="$rounds">
              <xsl:variable name="in" select="$product/k:in-round[@round = current()/@id]"/>
              <fo:table-cell xsl:use-attribute-sets="td" text-align="end">
                <fo:block>
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
                </fo:block>
              </fo:table-cell>
            </xsl:for-each>
            <fo:table-cell xsl:use-attribute-sets="td" text-align="end">
              <fo:block font-weight="bold"><xsl:call-template name="qty-delivered"/></fo:block>
            </fo:table-cell>
            <fo:table-cell xsl:use-attribute-sets="td" text-align="end">
              <fo:block><xsl:call-template name="kg"><xsl:with-param name="g" select="@weight-g"/></xsl:call-template></fo:block>
            </fo:table-cell>
          </fo:table-row>
        </xsl:for-each>
        <fo:table-row xsl:use-attribute-sets="row" font-weight="bold">
          <fo:table-cell xsl:use-attribute-sets="td" border-top="0.8pt solid #000">
            <fo:block>
              <xsl:call-template name="t"><xsl:with-param name="k" select="'weight'"/></xsl:call-template>
            </fo:block>
          </fo:table-cell>
          <xsl:for-each select="$rounds">
            <fo:table-cell xsl:use-attribute-sets="td" text-align="end" border-top="0.8pt solid #000">
              <fo:block>
                <xsl:call-template name="kg">
                  <xsl:with-param name="g" select="$producer/k:round-total[@round = current()/@id]/@weight-g"/>
                </xsl:call-template>
              </fo:block>
            </fo:table-cell>
          </xsl:for-each>
          <fo:table-cell xsl:use-attribute-sets="td" border-top="0.8pt solid #000"><fo:block/></fo:table-cell>
          <fo:table-cell xsl:use-attribute-sets="td" text-align="end" border-top="0.8pt solid #000">
            <fo:block><xsl:call-template name="kg"><xsl:with-param name="g" select="@weight-g"/></xsl:call-template></fo:block>
          </fo:table-cell>
        </fo:table-row>
      </fo:table-body>
    </fo:table>
  </xsl:template>
</xsl:stylesheet>
