<?xml version="1.0" encoding="UTF-8"?>
<!--
  reports/xsl/picking-html.xsl — the picking list as a printable HTML page: one
  sheet per stop, each bag a header row followed by its items to tick.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:k="urn:km0:report:1" exclude-result-prefixes="k">
  <xsl:import href="html-layout.xsl"/>

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
    <p><xsl:value-of select="concat(k:pickup-point/@address, ' · ', k:pickup-point/@opening)"/></p>
    <p>
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
    </p>
    <table>
      <thead>
        <tr>
          <th></th>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'bag'"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'product'"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'producer'"/></xsl:call-template>
          <xsl:call-template name="th">
            <xsl:with-param name="k" select="'quantity'"/><xsl:with-param name="class" select="'num'"/>
          </xsl:call-template>
          <xsl:call-template name="th">
            <xsl:with-param name="k" select="'weight'"/><xsl:with-param name="class" select="'num'"/>
          </xsl:call-template>
          <xsl:call-template name="th">
            <xsl:with-param name="k" select="'actual'"/><xsl:with-param name="class" select="'num'"/>
          </xsl:call-template>
        </tr>
      </thead>
      <xsl:for-each select="k:bag">
        <tbody>
          <tr class="bag">
            <td colspan="7">
              <b>
                <xsl:call-template name="t"><xsl:with-param name="k" select="'bag'"/></xsl:call-template>
                <xsl:value-of select="concat(' ', @number, ' — ', k:customer/@name)"/>
              </b>
              <xsl:if test="k:customer/@paper = 'true'">
                <xsl:text> </xsl:text>
                <span class="paper">
                  <xsl:call-template name="t"><xsl:with-param name="k" select="'paper-receipt'"/></xsl:call-template>
                </span>
              </xsl:if>
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
            </td>
          </tr>
          <xsl:for-each select="k:item">
            <tr>
              <td><span class="tick"></span></td>
              <td><xsl:value-of select="../@number"/></td>
              <td><xsl:value-of select="@product"/></td>
              <td><xsl:value-of select="@producer-name"/></td>
              <td class="num">
                <xsl:choose>
                  <xsl:when test="@delivered"><b><xsl:call-template name="qty-delivered"/></b></xsl:when>
                  <xsl:otherwise><xsl:call-template name="qty-delivered"/></xsl:otherwise>
                </xsl:choose>
                <xsl:if test="@reason"><br/><small><xsl:value-of select="@reason"/></small></xsl:if>
              </td>
              <td class="num"><xsl:call-template name="kg"><xsl:with-param name="g" select="@weight-g"/></xsl:call-template></td>
              <td class="num">
                <xsl:choose>
                  <xsl:when test="@measure and @actual"><b><xsl:call-template name="measured"/></b></xsl:when>
                  <xsl:when test="@measure and @estimate &gt; 0">
                    <span class="write"></span><br/><small><xsl:call-template name="measured"/></small>
                  </xsl:when>
                </xsl:choose>
              </td>
            </tr>
          </xsl:for-each>
        </tbody>
      </xsl:for-each>
    </table>
  </xsl:template>
</xsl:stylesheet>
