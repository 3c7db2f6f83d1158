<?xml version="1.0" encoding="UTF-8"?>
<!--
  reports/xsl/invoices-html.xsl — invoices and credit notes as a printable HTML
  page: one A4 sheet per invoice, with the same content and mentions as the PDF
  (invoices-fo.xsl). Self-contained like every km0 document: inline CSS, no
  script, no image, no link.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:k="urn:km0:report:1" exclude-result-prefixes="k">
  <xsl:import href="html-layout.xsl"/>
  <xsl:import href="invoice-common.xsl"/>

  <xsl:variable name="invoice-css">
.inv-top { display: flex; justify-content: space-between; gap: 8mm; }
.inv-doc { text-align: right; min-width: 70mm; }
.inv-doc h1 { font-size: 16pt; }
.inv-number { font-size: 11pt; font-weight: bold; margin-bottom: 2mm; }
.inv-seller-name { font-size: 12pt; font-weight: bold; }
.inv-buyer { margin: 5mm 0 0 auto; width: 84mm; border: .6pt solid #000; padding: 2.5mm; }
.inv-buyer-name { font-size: 10.5pt; font-weight: bold; }
.inv-label { font-size: 7.5pt; color: #444; }
.inv-muted { font-size: 7.5pt; color: #444; }
.inv-bottom { display: flex; justify-content: space-between; gap: 8mm; margin-top: 5mm; break-inside: avoid; }
.inv-bottom > div:first-child { flex: 1; }
.inv-totals { width: 66mm; }
.inv-totals p { display: flex; justify-content: space-between; }
.inv-due { font-size: 11pt; font-weight: bold; border-top: 1pt solid #000; padding-top: 1mm; margin-top: 1mm; }
.inv-notes { font-size: 8pt; }
h2.inv-h { border: 0; font-size: 9.5pt; margin: 6mm 0 1mm; }
.inv-id, .inv-notes { white-space: pre-line; }
@media screen and (max-width: 40em) {
  .inv-top, .inv-bottom { display: block; }
  .inv-doc { text-align: left; min-width: 0; margin-top: 3mm; }
  .inv-buyer, .inv-totals { width: auto; margin-left: 0; }
}
  </xsl:variable>

  <xsl:template match="/">
    <html lang="{$lg}">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>
          <xsl:choose>
            <xsl:when test="count(k:invoices/k:invoice) = 1">
              <xsl:call-template name="doc-title"><xsl:with-param name="i" select="k:invoices/k:invoice"/></xsl:call-template>
            </xsl:when>
            <xsl:otherwise><xsl:value-of select="concat($title, ' — ', $head/k:cycle/k:name)"/></xsl:otherwise>
          </xsl:choose>
        </title>
        <style><xsl:value-of select="$css"/></style>
        <style><xsl:value-of select="$invoice-css"/></style>
      </head>
      <body>
        <xsl:choose>
          <xsl:when test="k:invoices/k:invoice">
            <xsl:apply-templates select="k:invoices/k:invoice" mode="sheet"/>
          </xsl:when>
          <xsl:otherwise><xsl:call-template name="empty-section"/></xsl:otherwise>
        </xsl:choose>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="k:invoice" mode="sheet">
    <section class="sheet">
      <div class="inv-top">
        <div>
          <div class="inv-seller-name"><xsl:value-of select="k:seller/k:name"/></div>
          <xsl:apply-templates select="k:seller" mode="identity"/>
          <xsl:if test="k:intermediary">
            <p class="small">
              <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-intermediary'"/></xsl:call-template>
              <xsl:text> </xsl:text>
              <xsl:call-template name="party-line"><xsl:with-param name="p" select="k:intermediary"/></xsl:call-template>
            </p>
          </xsl:if>
        </div>
        <div class="inv-doc">
          <h1><xsl:call-template name="t"><xsl:with-param name="k" select="concat('inv-', @type-code)"/></xsl:call-template></h1>
          <div class="inv-number">
            <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-number'"/></xsl:call-template>
            <xsl:value-of select="concat(' ', @number)"/>
          </div>
          <xsl:for-each select="k:corrects"><p><xsl:call-template name="corrects-line"/></p></xsl:for-each>
          <p class="inv-id">
            <xsl:call-template name="date-row"><xsl:with-param name="k" select="'inv-issue-date'"/><xsl:with-param name="d" select="@issue-date"/></xsl:call-template>
            <xsl:call-template name="date-row"><xsl:with-param name="k" select="'inv-delivery-date'"/><xsl:with-param name="d" select="@delivery-date"/></xsl:call-template>
            <xsl:call-template name="date-row"><xsl:with-param name="k" select="'inv-due-date'"/><xsl:with-param name="d" select="@due-date"/></xsl:call-template>
            <xsl:if test="@order">
              <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-order'"/></xsl:call-template>
              <xsl:value-of select="concat(' ', @order)"/>
            </xsl:if>
          </p>
        </div>
      </div>
      <div class="inv-buyer">
        <div class="inv-label"><xsl:call-template name="t"><xsl:with-param name="k" select="'inv-buyer'"/></xsl:call-template></div>
        <div class="inv-buyer-name"><xsl:value-of select="k:buyer/k:name"/></div>
        <xsl:apply-templates select="k:buyer" mode="identity"/>
        <!-- a buyer without e-mail gets this invoice on paper (schema/017_paper.sql) -->
        <xsl:if test="not(string(k:buyer/k:email))">
          <p class="paper"><xsl:call-template name="t"><xsl:with-param name="k" select="'paper-invoice-note'"/></xsl:call-template></p>
        </xsl:if>
        <xsl:for-each select="k:delivery-place">
          <p class="small">
            <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-delivery-place'"/></xsl:call-template>
            <xsl:value-of select="concat(' : ', k:name)"/>
            <xsl:if test="string(k:address)"><xsl:value-of select="concat(', ', k:address)"/></xsl:if>
          </p>
        </xsl:for-each>
      </div>
      <xsl:call-template name="lines"/>
      <div class="inv-bottom">
        <div><xsl:call-template name="vat-table"/></div>
        <div class="inv-totals">
          <xsl:call-template name="total-row"><xsl:with-param name="k" select="'inv-total-excl'"/><xsl:with-param name="c" select="k:totals/@excl-cents"/></xsl:call-template>
          <xsl:call-template name="total-row"><xsl:with-param name="k" select="'inv-total-vat'"/><xsl:with-param name="c" select="k:totals/@vat-cents"/></xsl:call-template>
          <xsl:call-template name="total-row"><xsl:with-param name="k" select="'inv-total-incl'"/><xsl:with-param name="c" select="k:totals/@incl-cents"/></xsl:call-template>
          <p class="inv-due">
            <xsl:call-template name="due-label"/>
            <span><xsl:call-template name="money"><xsl:with-param name="cents" select="k:totals/@incl-cents"/></xsl:call-template></span>
          </p>
        </div>
      </div>
      <h2 class="inv-h"><xsl:call-template name="t"><xsl:with-param name="k" select="'inv-payment'"/></xsl:call-template></h2>
      <p>
        <xsl:value-of select="k:payment-terms"/>
        <xsl:text> </xsl:text>
        <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-due-date'"/></xsl:call-template>
        <xsl:text> : </xsl:text>
        <xsl:call-template name="date-short"><xsl:with-param name="d" select="@due-date"/></xsl:call-template>
      </p>
      <xsl:for-each select="k:transfer">
        <p>
          <b><xsl:call-template name="t"><xsl:with-param name="k" select="'inv-transfer'"/></xsl:call-template></b><br/>
          <xsl:value-of select="@beneficiary"/> · IBAN <xsl:value-of select="@iban"/>
          <xsl:if test="@bic"> · BIC <xsl:value-of select="@bic"/></xsl:if><br/>
          <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-reference'"/></xsl:call-template>
          <xsl:text> : </xsl:text><b><xsl:value-of select="@reference"/></b>
        </p>
        <xsl:if test="k:qr">
          <svg xmlns="http://www.w3.org/2000/svg" width="120" height="120" viewBox="0 0 {k:qr/@size} {k:qr/@size}">
            <rect width="{k:qr/@size}" height="{k:qr/@size}" fill="#fff"/>
            <path fill="#000" d="{k:qr/@d}"/>
          </svg>
        </xsl:if>
      </xsl:for-each>
      <xsl:if test="k:note">
        <h2 class="inv-h"><xsl:call-template name="t"><xsl:with-param name="k" select="'inv-mentions'"/></xsl:call-template></h2>
        <p class="inv-notes">
          <xsl:for-each select="k:note"><xsl:value-of select="."/><xsl:text>&#10;</xsl:text></xsl:for-each>
        </p>
      </xsl:if>
    </section>
  </xsl:template>

  <!-- a party's identity: one paragraph, one line per item (white-space: pre-line),
       so that a sheet stays light (EcoIndex counts elements) -->
  <xsl:template match="k:seller | k:buyer" mode="identity">
    <p class="inv-id">
      <xsl:if test="string(k:legal-form)"><xsl:value-of select="k:legal-form"/><xsl:text>&#10;</xsl:text></xsl:if>
      <xsl:if test="string(k:address)"><xsl:value-of select="k:address"/><xsl:text>&#10;</xsl:text></xsl:if>
      <xsl:if test="string(k:siret)">
        <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-siret'"/></xsl:call-template>
        <xsl:value-of select="concat(' ', k:siret)"/><xsl:text>&#10;</xsl:text>
      </xsl:if>
      <xsl:choose>
        <xsl:when test="string(k:vat-number)">
          <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-vat-number'"/></xsl:call-template>
          <xsl:value-of select="concat(' ', k:vat-number)"/><xsl:text>&#10;</xsl:text>
        </xsl:when>
        <xsl:when test="@franchise = 'true'"><b><xsl:value-of select="$franchise-text"/></b><xsl:text>&#10;</xsl:text></xsl:when>
      </xsl:choose>
      <xsl:if test="self::k:seller">
        <xsl:if test="string(k:email)">
          <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-email'"/></xsl:call-template>
          <xsl:value-of select="concat(' ', k:email)"/><xsl:text>&#10;</xsl:text>
        </xsl:if>
        <xsl:if test="string(k:phone)">
          <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-phone'"/></xsl:call-template>
          <xsl:value-of select="concat(' ', k:phone)"/><xsl:text>&#10;</xsl:text>
        </xsl:if>
      </xsl:if>
    </p>
  </xsl:template>

  <xsl:template name="date-row">
    <xsl:param name="k"/>
    <xsl:param name="d"/>
    <xsl:call-template name="t"><xsl:with-param name="k" select="$k"/></xsl:call-template>
    <xsl:text> : </xsl:text>
    <xsl:call-template name="date-short"><xsl:with-param name="d" select="$d"/></xsl:call-template>
    <xsl:text>&#10;</xsl:text>
  </xsl:template>

  <xsl:template name="lines">
    <table>
      <thead>
        <tr>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'inv-description'"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'inv-quantity'"/><xsl:with-param name="class" select="'num'"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'inv-unit-price'"/><xsl:with-param name="class" select="'num'"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'inv-vat-rate'"/><xsl:with-param name="class" select="'num'"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'inv-net'"/><xsl:with-param name="class" select="'num'"/></xsl:call-template>
        </tr>
      </thead>
      <tbody>
        <xsl:for-each select="k:line">
          <tr>
            <td>
              <xsl:value-of select="k:description"/>
              <div class="inv-muted">
                <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-ref'"/></xsl:call-template>
                <xsl:value-of select="concat(' ', @sku)"/>
                <xsl:if test="k:producer">
                  <xsl:text> · </xsl:text>
                  <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-producer'"/></xsl:call-template>
                  <xsl:value-of select="concat(' : ', k:producer)"/>
                </xsl:if>
              </div>
            </td>
            <td class="num"><xsl:call-template name="qty"><xsl:with-param name="q" select="@quantity"/><xsl:with-param name="unit" select="@unit"/></xsl:call-template></td>
            <td class="num"><xsl:call-template name="price"><xsl:with-param name="p" select="@unit-price"/></xsl:call-template></td>
            <td class="num"><xsl:call-template name="rate"><xsl:with-param name="r" select="@vat-rate"/><xsl:with-param name="c" select="@vat-category"/></xsl:call-template></td>
            <td class="num"><xsl:call-template name="money"><xsl:with-param name="cents" select="@net-cents"/></xsl:call-template></td>
          </tr>
        </xsl:for-each>
      </tbody>
    </table>
  </xsl:template>

  <!-- the VAT breakdown, one line per category and rate: "5,5 % : 0,20 € sur 3,56 €" -->
  <xsl:template name="vat-table">
    <b><xsl:call-template name="t"><xsl:with-param name="k" select="'inv-vat-breakdown'"/></xsl:call-template></b>
    <p class="inv-id">
      <xsl:for-each select="k:vat">
        <xsl:call-template name="rate"><xsl:with-param name="r" select="@rate"/><xsl:with-param name="c" select="@category"/></xsl:call-template>
        <xsl:text> — </xsl:text>
        <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-base'"/></xsl:call-template>
        <xsl:text> </xsl:text>
        <xsl:call-template name="money"><xsl:with-param name="cents" select="@base-cents"/></xsl:call-template>
        <xsl:text>, </xsl:text>
        <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-vat-amount'"/></xsl:call-template>
        <xsl:text> </xsl:text>
        <xsl:call-template name="money"><xsl:with-param name="cents" select="@vat-cents"/></xsl:call-template>
        <xsl:if test="string(.)"><xsl:value-of select="concat(' (', ., ')')"/></xsl:if>
        <xsl:text>&#10;</xsl:text>
      </xsl:for-each>
    </p>
  </xsl:template>

  <xsl:template name="total-row">
    <xsl:param name="k"/>
    <xsl:param name="c"/>
    <p>
      <xsl:call-template name="t"><xsl:with-param name="k" select="$k"/></xsl:call-template>
      <span><xsl:call-template name="money"><xsl:with-param name="cents" select="$c"/></xsl:call-template></span>
    </p>
  </xsl:template>
</xsl:stylesheet>
