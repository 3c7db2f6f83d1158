<?xml version="1.0" encoding="UTF-8"?>
<!--
  reports/xsl/route-html.xsl — the route sheet as a printable HTML page: one
  sheet per round, stops in driving order, the way back, the loading order.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:k="urn:km0:report:1" exclude-result-prefixes="k">
  <xsl:import href="html-layout.xsl"/>

  <xsl:template match="/*" mode="sections">
    <xsl:choose>
      <xsl:when test="k:round">
        <xsl:for-each select="k:round">
          <xsl:call-template name="section">
            <xsl:with-param name="heading"><xsl:call-template name="round-name"/></xsl:with-param>
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
    <p>
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
    </p>
    <p>
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
      <xsl:value-of select="concat(' · ', @stops, ' ')"/>
      <xsl:call-template name="t"><xsl:with-param name="k" select="'stops'"/></xsl:call-template>
    </p>
    <table>
      <thead>
        <tr>
          <th>#</th>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'eta'"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'pickup-point'"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'bags'"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'weight'"/><xsl:with-param name="class" select="'num'"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'leg'"/><xsl:with-param name="class" select="'num'"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'total'"/><xsl:with-param name="class" select="'num'"/></xsl:call-template>
        </tr>
      </thead>
      <tbody>
        <xsl:for-each select="k:stop">
          <tr>
            <td><b><xsl:value-of select="@seq"/></b></td>
            <td>
              <b><xsl:call-template name="hhmm"><xsl:with-param name="t" select="@eta"/></xsl:call-template></b>
              <xsl:if test="@late = 'true'">
                <div class="small"><b><xsl:call-template name="t"><xsl:with-param name="k" select="'late'"/></xsl:call-template></b></div>
              </xsl:if>
            </td>
            <td>
              <b><xsl:value-of select="k:pickup-point/@name"/><xsl:call-template name="part"/></b>
              <div class="small"><xsl:value-of select="concat(k:pickup-point/@address, ' · ', k:pickup-point/@opening)"/></div>
            </td>
            <td><xsl:call-template name="bag-range"/></td>
            <td class="num"><xsl:call-template name="kg"><xsl:with-param name="g" select="@load-g"/></xsl:call-template></td>
            <td class="num"><xsl:call-template name="km"><xsl:with-param name="m" select="@leg-m"/></xsl:call-template></td>
            <td class="num"><xsl:call-template name="km"><xsl:with-param name="m" select="@cumulative-m"/></xsl:call-template></td>
          </tr>
        </xsl:for-each>
        <xsl:for-each select="k:return">
          <tr>
            <td></td>
            <td><b><xsl:call-template name="hhmm"><xsl:with-param name="t" select="@at"/></xsl:call-template></b></td>
            <td colspan="3">
              <b><xsl:call-template name="t"><xsl:with-param name="k" select="'return'"/></xsl:call-template></b>
              <div class="small"><xsl:value-of select="$head/k:hub/k:address"/></div>
            </td>
            <td class="num"><xsl:call-template name="km"><xsl:with-param name="m" select="@leg-m"/></xsl:call-template></td>
            <td class="num"><xsl:call-template name="km"><xsl:with-param name="m" select="@cumulative-m"/></xsl:call-template></td>
          </tr>
        </xsl:for-each>
      </tbody>
    </table>
    <h3><xsl:call-template name="t"><xsl:with-param name="k" select="'loading'"/></xsl:call-template></h3>
    <table>
      <thead>
        <tr>
          <th>#</th>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'stop'"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'bags'"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'weight'"/><xsl:with-param name="class" select="'num'"/></xsl:call-template>
        </tr>
      </thead>
      <tbody>
        <xsl:for-each select="k:stop">
          <xsl:sort select="@seq" data-type="number" order="descending"/>
          <tr>
            <td><b><xsl:value-of select="position()"/></b></td>
            <td>
              <xsl:call-template name="t"><xsl:with-param name="k" select="'stop'"/></xsl:call-template>
              <xsl:value-of select="concat(' ', @seq, ' : ', k:pickup-point/@name)"/>
              <xsl:call-template name="part"/>
            </td>
            <td><xsl:call-template name="bag-range"/></td>
            <td class="num"><xsl:call-template name="kg"><xsl:with-param name="g" select="@load-g"/></xsl:call-template></td>
          </tr>
        </xsl:for-each>
      </tbody>
    </table>
  </xsl:template>
</xsl:stylesheet>
