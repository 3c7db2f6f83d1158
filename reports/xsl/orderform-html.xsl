<?xml version="1.0" encoding="UTF-8"?>
<!--
  reports/xsl/orderform-html.xsl — the paper order form as printable HTML: the same
  content and order as orderform-fo.xsl (name and phone boxes, closing time, the
  hub's phone, pickup points to tick, every offer numbered with its price and a box
  for the quantity), in type of at least 11 pt, black on white, A4.

  Self-contained like every km0 HTML document (html-layout.xsl: inline CSS, no
  script, no link); it overrides the page template for its larger type.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:k="urn:km0:report:1" xmlns:l="urn:km0:labels"
                exclude-result-prefixes="k l">
  <xsl:import href="html-layout.xsl"/>

  <xsl:variable name="of-css">
@page { size: A4; margin: 12mm 14mm; }
* { box-sizing: border-box; }
body { font: 11pt/1.35 "Liberation Sans", Arial, Helvetica, sans-serif; color: #000; background: #fff; margin: 0 auto; max-width: 182mm; }
h1 { font-size: 16pt; margin: 0 0 2mm; border-bottom: 1.5pt solid #000; }
h2 { font-size: 14pt; margin: 6mm 0 1mm; border-bottom: 1.5pt solid #000; break-after: avoid; }
h3 { font-size: 12pt; font-style: italic; margin: 3mm 0 1mm; break-after: avoid; }
p { margin: 0 0 1.5mm; }
.who { display: flex; border: 1pt solid #000; min-height: 14mm; }
.who div { flex: 3; padding: 2pt 3pt; }
.who div + div { flex: 2; border-left: 1pt solid #000; }
.big { font-size: 13pt; font-weight: bold; }
ul.pickups { list-style: none; padding: 0; margin: 0; }
ul.pickups li { margin: 1.5mm 0; }
.box { display: inline-block; width: 4.5mm; height: 4.5mm; border: 1pt solid #000; vertical-align: middle; margin-right: 3mm; }
table { width: 100%; border-collapse: collapse; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th { text-align: left; border-bottom: 1pt solid #000; padding: 2pt 3pt; }
td { border-bottom: .5pt solid #000; padding: 2pt 3pt; vertical-align: middle; height: 9mm; }
td.n { width: 12mm; font-weight: bold; }
td.p, th.p { text-align: right; width: 48mm; }
td.q, th.q { width: 28mm; text-align: center; }
.qbox { display: block; height: 6.5mm; border: 1pt solid #000; }
.note { font-style: italic; }
footer { margin-top: 6mm; font-weight: bold; }
@media screen { body { padding: 6mm; } }
@media screen and (max-width: 40em) {
  body { padding: 3mm; overflow-wrap: anywhere; }
  .who { display: block; } .who div + div { border-left: 0; border-top: 1pt solid #000; }
  td.p, th.p { width: auto; } td.q, th.q { width: 18mm; }
}
  </xsl:variable>

  <xsl:template name="unit-label">
    <xsl:param name="unit"/>
    <xsl:variable name="u" select="$L/l:unit[@c = $unit]"/>
    <xsl:choose>
      <xsl:when test="$u"><xsl:value-of select="$u/@*[local-name() = $lg]"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$unit"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="closing">
    <xsl:variable name="w" select="/k:orderform/k:window"/>
    <xsl:call-template name="date-long">
      <xsl:with-param name="date" select="substring($w/@closes-at, 1, 10)"/>
      <xsl:with-param name="day" select="string($w/@closes-day)"/>
    </xsl:call-template>
    <xsl:text>, </xsl:text>
    <xsl:call-template name="hhmm"><xsl:with-param name="t" select="$w/@closes-at"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="/">
    <html lang="{$lg}">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="concat($title, ' — ', $head/k:cycle/k:name)"/></title>
        <style><xsl:value-of select="$of-css"/></style>
      </head>
      <body>
        <main>
          <h1>
            <xsl:value-of select="concat($head/k:hub/k:name, ' — ', $title, ' — ', $head/k:cycle/k:name)"/>
          </h1>
          <div class="who">
            <div><xsl:call-template name="t"><xsl:with-param name="k" select="'of-form-customer'"/></xsl:call-template></div>
            <div><xsl:call-template name="t"><xsl:with-param name="k" select="'of-form-phone'"/></xsl:call-template></div>
          </div>
          <p class="big">
            <xsl:call-template name="t"><xsl:with-param name="k" select="'of-closes'"/></xsl:call-template>
            <xsl:text> </xsl:text>
            <xsl:call-template name="closing"/>
          </p>
          <p>
            <xsl:call-template name="t"><xsl:with-param name="k" select="'delivery-day'"/></xsl:call-template>
            <xsl:text> </xsl:text>
            <xsl:call-template name="delivery-day"/>
          </p>
          <p>
            <xsl:call-template name="t"><xsl:with-param name="k" select="'of-call'"/></xsl:call-template>
            <xsl:text> </xsl:text>
            <span class="big"><xsl:value-of select="$head/k:hub/k:phone"/></span>
          </p>
          <p class="big"><xsl:call-template name="t"><xsl:with-param name="k" select="'of-pickup'"/></xsl:call-template></p>
          <ul class="pickups">
            <xsl:for-each select="k:orderform/k:pickup-point">
              <li>
                <span class="box"></span>
                <b><xsl:value-of select="@name"/></b>
                <xsl:if test="@address != ''"><xsl:value-of select="concat(' — ', @address)"/></xsl:if>
                <xsl:text> — </xsl:text>
                <xsl:choose>
                  <xsl:when test="@day">
                    <xsl:value-of select="$L/l:day[@n = current()/@day]/@*[local-name() = $lg]"/>
                    <xsl:value-of select="concat(' ', @from, '–', @to)"/>
                  </xsl:when>
                  <xsl:otherwise><xsl:value-of select="@opening"/></xsl:otherwise>
                </xsl:choose>
              </li>
            </xsl:for-each>
          </ul>
          <xsl:choose>
            <xsl:when test="k:orderform/k:producer">
              <xsl:apply-templates select="k:orderform/k:producer" mode="of"/>
            </xsl:when>
            <xsl:otherwise>
              <p><xsl:call-template name="t"><xsl:with-param name="k" select="'of-none'"/></xsl:call-template></p>
            </xsl:otherwise>
          </xsl:choose>
          <footer><xsl:call-template name="t"><xsl:with-param name="k" select="'of-return'"/></xsl:call-template></footer>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="k:producer" mode="of">
    <h2><xsl:value-of select="@name"/></h2>
    <xsl:for-each select="k:category">
      <h3>
        <xsl:choose>
          <xsl:when test="@name != ''"><xsl:value-of select="@name"/></xsl:when>
          <xsl:otherwise><xsl:call-template name="t"><xsl:with-param name="k" select="'of-no-category'"/></xsl:call-template></xsl:otherwise>
        </xsl:choose>
      </h3>
      <table>
        <thead>
          <tr>
            <th scope="col"><xsl:call-template name="t"><xsl:with-param name="k" select="'of-number'"/></xsl:call-template></th>
            <th scope="col"><xsl:call-template name="t"><xsl:with-param name="k" select="'of-product'"/></xsl:call-template></th>
            <th scope="col" class="p"><xsl:call-template name="t"><xsl:with-param name="k" select="'of-price'"/></xsl:call-template></th>
            <th scope="col" class="q"><xsl:call-template name="t"><xsl:with-param name="k" select="'of-qty'"/></xsl:call-template></th>
          </tr>
        </thead>
        <tbody>
          <xsl:for-each select="k:offer">
            <tr>
              <td class="n"><xsl:value-of select="@number"/></td>
              <td>
                <xsl:value-of select="@name"/>
                <xsl:if test="@organic = 'true'">
                  <xsl:text> (</xsl:text>
                  <xsl:call-template name="t"><xsl:with-param name="k" select="'of-organic'"/></xsl:call-template>
                  <xsl:text>)</xsl:text>
                </xsl:if>
                <xsl:if test="@step != '1' or @left">
                  <div class="note">
                    <xsl:if test="@step != '1'">
                      <xsl:call-template name="t"><xsl:with-param name="k" select="'of-step'"/></xsl:call-template>
                      <xsl:text> </xsl:text>
                      <xsl:call-template name="qty"><xsl:with-param name="q" select="@step"/><xsl:with-param name="unit" select="@unit"/></xsl:call-template>
                    </xsl:if>
                    <xsl:if test="@step != '1' and @left"><xsl:text> · </xsl:text></xsl:if>
                    <xsl:if test="@left">
                      <xsl:call-template name="t"><xsl:with-param name="k" select="'of-left'"/></xsl:call-template>
                      <xsl:text> </xsl:text>
                      <xsl:call-template name="qty"><xsl:with-param name="q" select="@left"/><xsl:with-param name="unit" select="@unit"/></xsl:call-template>
                    </xsl:if>
                  </div>
                </xsl:if>
              </td>
              <td class="p">
                <b>
                  <xsl:call-template name="money"><xsl:with-param name="cents" select="@price-cents"/></xsl:call-template>
                  <xsl:text> / </xsl:text>
                  <xsl:call-template name="unit-label"><xsl:with-param name="unit" select="@unit"/></xsl:call-template>
                </b>
                <xsl:if test="@ref-unit">
                  <div>
                    <xsl:text>(</xsl:text>
                    <xsl:call-template name="money"><xsl:with-param name="cents" select="@ref-price-cents"/></xsl:call-template>
                    <xsl:value-of select="concat(' / ', @ref-unit, ')')"/>
                  </div>
                </xsl:if>
              </td>
              <td class="q"><span class="qbox"></span></td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
    </xsl:for-each>
  </xsl:template>
</xsl:stylesheet>
