<?xml version="1.0" encoding="UTF-8"?>
<!--
  reports/xsl/html-layout.xsl — the printable HTML page of every km0 document.

  Self-contained: one file, its CSS inline, no script, no image, no link, so it
  prints the same from a browser, a mail attachment or a USB stick. A4 pages
  (@page), one sheet per section starting on a new page, table headers repeated
  (thead) and rows never split (break-inside: avoid). A kind's KIND-html.xsl
  imports this file and provides, as its FO stylesheet does, a "sections"
  template calling "section" per sheet and "body" templates for their content.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:k="urn:km0:report:1" exclude-result-prefixes="k">
  <xsl:import href="common.xsl"/>
  <xsl:output method="html" encoding="UTF-8" indent="no" doctype-system="about:legacy-compat"/>

  <xsl:param name="attachment" select="''"/>
  <xsl:variable name="title">
    <xsl:call-template name="t"><xsl:with-param name="k" select="local-name(/*)"/></xsl:call-template>
  </xsl:variable>

  <xsl:variable name="css">
@page { size: A4; margin: 12mm 14mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font: 9.5pt/1.3 "Liberation Sans", Arial, Helvetica, sans-serif; color: #000; margin: 0 auto; max-width: 182mm; }
.sheet { break-after: page; }
.sheet:last-child { break-after: auto; }
.top { display: flex; justify-content: space-between; align-items: flex-start; }
.top .doc { text-align: right; }
h1 { font-size: 13pt; margin: 0; }
h2 { font-size: 11.5pt; margin: 2mm 0 2mm; padding-bottom: 1pt; border-bottom: 1pt solid #000; }
h3 { font-size: 10.5pt; margin: 5mm 0 0; }
p { margin: 0 0 1pt; }
table { width: 100%; border-collapse: collapse; margin-top: 3mm; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th { background: #e6e6e6; text-align: left; vertical-align: bottom; border-bottom: .8pt solid #000; padding: 1.5pt 3pt; }
td { border-bottom: .3pt solid #999; padding: 1.5pt 3pt; vertical-align: top; }
.num { text-align: right; white-space: nowrap; }
.small { font-size: 7.5pt; }
.bag td { background: #f0f0f0; padding-top: 3pt; }
.tick { display: inline-block; width: 3.2mm; height: 3.2mm; border: .7pt solid #000; }
.write { display: inline-block; width: 16mm; height: 5mm; border: .7pt solid #000; }
.sign { width: 38mm; border-left: .3pt solid #999; }
.tall td { height: 9mm; }
.total td { border-top: .8pt solid #000; font-weight: bold; }
footer { font-size: 7.5pt; color: #444; margin-top: 3mm; }
.sum { margin-top: 3mm; }
.paper { font-weight: bold; border: 1pt solid #000; padding: 0 2pt; }
.receipt { font-size: 11pt; }
.receipt-total { font-size: 14pt; text-align: right; }
@media screen { body { padding: 8mm; } .sheet { border-bottom: 2px dashed #bbb; margin-bottom: 8mm; padding-bottom: 8mm; } }
@media screen and (max-width: 40em) {
  body { padding: 3mm; overflow-wrap: anywhere; }
  .top { display: block; } .top .doc { text-align: left; }
  table { display: block; overflow-x: auto; }
}
  </xsl:variable>

  <xsl:template match="/">
    <html lang="{$lg}">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="concat($title, ' — ', $head/k:cycle/k:name)"/></title>
        <style><xsl:value-of select="$css"/></style>
      </head>
      <body>
        <xsl:apply-templates select="/*" mode="sections"/>
      </body>
    </html>
  </xsl:template>

  <xsl:template name="section">
    <xsl:param name="heading"/>
    <section class="sheet">
      <div class="top">
        <div>
          <b><xsl:value-of select="$head/k:hub/k:name"/></b>
          <div class="small"><xsl:value-of select="$head/k:hub/k:address"/></div>
          <div class="small"><xsl:value-of select="$head/k:hub/k:phone"/></div>
        </div>
        <div class="doc">
          <h1><xsl:value-of select="$title"/></h1>
          <div><xsl:value-of select="$head/k:cycle/k:name"/></div>
          <div>
            <xsl:call-template name="t"><xsl:with-param name="k" select="'delivery-day'"/></xsl:call-template>
            <xsl:text> </xsl:text>
            <xsl:call-template name="delivery-day"/>
          </div>
        </div>
      </div>
      <h2><xsl:copy-of select="$heading"/></h2>
      <xsl:apply-templates select="." mode="body"/>
      <footer>
        <xsl:text>km0 · </xsl:text>
        <xsl:call-template name="t"><xsl:with-param name="k" select="'generated'"/></xsl:call-template>
        <xsl:text> </xsl:text>
        <xsl:call-template name="generated"/>
      </footer>
    </section>
  </xsl:template>

  <xsl:template name="empty-section">
    <xsl:call-template name="section">
      <xsl:with-param name="heading" select="$title"/>
    </xsl:call-template>
  </xsl:template>
  <xsl:template match="/*" mode="body">
    <p>
      <xsl:choose>
        <!-- the invoices of a cycle not invoiced yet: say how they come to be -->
        <xsl:when test="local-name(/*) = 'invoices' and $head/k:cycle/@state != 'invoiced'">
          <xsl:call-template name="t"><xsl:with-param name="k" select="'nothing-invoices'"/></xsl:call-template>
        </xsl:when>
        <xsl:otherwise>
          <xsl:call-template name="t"><xsl:with-param name="k" select="'nothing'"/></xsl:call-template>
        </xsl:otherwise>
      </xsl:choose>
    </p>
  </xsl:template>

  <xsl:template name="th">
    <xsl:param name="k"/>
    <xsl:param name="class"/>
    <th>
      <xsl:if test="$class"><xsl:attribute name="class"><xsl:value-of select="$class"/></xsl:attribute></xsl:if>
      <xsl:call-template name="t"><xsl:with-param name="k" select="$k"/></xsl:call-template>
    </th>
  </xsl:template>
</xsl:stylesheet>
