<?xml version="1.0" encoding="UTF-8"?>
<!--
  reports/xsl/invoice-common.xsl — what the FO and HTML invoice stylesheets share:
  the document's title, short dates, unit prices, VAT rates and party lines.
  Imported by invoices-fo.xsl and invoices-html.xsl next to their layout, whose
  common.xsl provides the labels ("t"), "money" and "qty".
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:k="urn:km0:report:1" exclude-result-prefixes="k">

  <xsl:variable name="franchise-text">TVA non applicable, art. 293 B du CGI</xsl:variable>

  <!-- "Facture N° 2026-000123" / "Credit note No. FTC7-2026-000004" -->
  <xsl:template name="doc-title">
    <xsl:param name="i" select="."/>
    <xsl:call-template name="t"><xsl:with-param name="k" select="concat('inv-', $i/@type-code)"/></xsl:call-template>
    <xsl:text> </xsl:text>
    <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-number'"/></xsl:call-template>
    <xsl:value-of select="concat(' ', $i/@number)"/>
  </xsl:template>

  <!-- "Net à payer" on an invoice, "Montant de l'avoir" on a credit note -->
  <xsl:template name="due-label">
    <xsl:call-template name="t">
      <xsl:with-param name="k">
        <xsl:choose>
          <xsl:when test="@type-code = 381">inv-credited</xsl:when>
          <xsl:otherwise>inv-to-pay</xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- "2026-03-05" -> "05/03/2026" (fr), "2026-03-05" (en) -->
  <xsl:template name="date-short">
    <xsl:param name="d"/>
    <xsl:choose>
      <xsl:when test="$lg = 'en'"><xsl:value-of select="$d"/></xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="concat(substring($d, 9, 2), '/', substring($d, 6, 2), '/', substring($d, 1, 4))"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- a unit price as stored ("4.1234", "2.50"): "4,1234 €" / "€4.1234" -->
  <xsl:template name="price">
    <xsl:param name="p"/>
    <xsl:choose>
      <xsl:when test="$lg = 'en'"><xsl:value-of select="concat('€', $p)"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="concat(translate($p, '.', ','), '&#160;€')"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- a VAT rate ("5.5") with its category: "5,5 %"; exempt lines say so -->
  <xsl:template name="rate">
    <xsl:param name="r"/>
    <xsl:param name="c"/>
    <xsl:choose>
      <xsl:when test="$lg = 'en'"><xsl:value-of select="concat($r, '%')"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="concat(translate($r, '.', ','), '&#160;%')"/></xsl:otherwise>
    </xsl:choose>
    <xsl:if test="$c = 'E'"> (E)</xsl:if>
  </xsl:template>

  <!-- "Drôme Paysanne (SCIC), ZA des Gaulois, 26400 Crest, SIRET 52601815500014" -->
  <xsl:template name="party-line">
    <xsl:param name="p"/>
    <xsl:value-of select="$p/k:name"/>
    <xsl:if test="string($p/k:address)"><xsl:value-of select="concat(', ', $p/k:address)"/></xsl:if>
    <xsl:if test="string($p/k:siret)">
      <xsl:text>, </xsl:text>
      <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-siret'"/></xsl:call-template>
      <xsl:value-of select="concat(' ', $p/k:siret)"/>
    </xsl:if>
  </xsl:template>

  <!-- "Avoir sur la facture 2026-000012 du 05/03/2026" (context: k:corrects) -->
  <xsl:template name="corrects-line">
    <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-corrects'"/></xsl:call-template>
    <xsl:value-of select="concat(' ', @number, ' ')"/>
    <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-of'"/></xsl:call-template>
    <xsl:text> </xsl:text>
    <xsl:call-template name="date-short"><xsl:with-param name="d" select="@issue-date"/></xsl:call-template>
  </xsl:template>
</xsl:stylesheet>
