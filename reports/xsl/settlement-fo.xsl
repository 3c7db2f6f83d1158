<?xml version="1.0" encoding="UTF-8"?>
<!--
  reports/xsl/settlement-fo.xsl — a settlement statement (reports/xsd/settlement.xsd)
  as XSL-FO for FOP: one A4 page (or more), labels in French or English (param lang),
  amounts in euros with a decimal comma in French.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:fo="http://www.w3.org/1999/XSL/Format" xmlns:s="urn:km0:settlement:1">
  <xsl:param name="lang" select="'fr'"/>
  <xsl:variable name="en" select="$lang = 'en'"/>

  <xsl:template name="eur">
    <xsl:param name="c"/>
    <xsl:variable name="abs" select="translate($c, '-', '')"/>
    <xsl:variable name="t" select="format-number($abs div 100, '0.00')"/>
    <xsl:if test="starts-with($c, '-')">−</xsl:if>
    <xsl:choose>
      <xsl:when test="$en"><xsl:value-of select="$t"/> €</xsl:when>
      <xsl:otherwise><xsl:value-of select="translate($t, '.', ',')"/> €</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="row">
    <xsl:param name="label"/>
    <xsl:param name="c"/>
    <xsl:param name="bold" select="false()"/>
    <fo:table-row>
      <fo:table-cell padding="1mm"><fo:block><xsl:if test="$bold"><xsl:attribute name="font-weight">bold</xsl:attribute></xsl:if><xsl:value-of select="$label"/></fo:block></fo:table-cell>
      <fo:table-cell padding="1mm"><fo:block text-align="end"><xsl:if test="$bold"><xsl:attribute name="font-weight">bold</xsl:attribute></xsl:if><xsl:call-template name="eur"><xsl:with-param name="c" select="$c"/></xsl:call-template></fo:block></fo:table-cell>
    </fo:table-row>
  </xsl:template>

  <xsl:template match="/s:settlement">
    <fo:root font-family="DejaVu Sans, sans-serif" font-size="9.5pt" xml:lang="{$lang}">
      <fo:layout-master-set>
        <fo:simple-page-master master-name="a4" page-width="210mm" page-height="297mm" margin="15mm">
          <fo:region-body/>
        </fo:simple-page-master>
      </fo:layout-master-set>
      <fo:page-sequence master-reference="a4">
        <fo:flow flow-name="xsl-region-body">
          <fo:block font-size="15pt" font-weight="bold" space-after="3mm">
            <xsl:choose>
              <xsl:when test="$en">Settlement statement no. <xsl:value-of select="@id"/></xsl:when>
              <xsl:otherwise>Relevé de reversement n° <xsl:value-of select="@id"/></xsl:otherwise>
            </xsl:choose>
          </fo:block>
          <fo:block><xsl:value-of select="s:hub/@name"/> — SIRET <xsl:value-of select="s:hub/@siret"/></fo:block>
          <fo:block space-after="3mm"><xsl:value-of select="s:hub/@address"/></fo:block>
          <fo:block font-weight="bold">
            <xsl:choose><xsl:when test="$en">Producer: </xsl:when><xsl:otherwise>Producteur : </xsl:otherwise></xsl:choose>
            <xsl:value-of select="s:producer/@name"/>
          </fo:block>
          <fo:block space-after="4mm">
            <xsl:choose><xsl:when test="$en">Period: </xsl:when><xsl:otherwise>Période : </xsl:otherwise></xsl:choose>
            <xsl:value-of select="@from"/> → <xsl:value-of select="@to"/>
          </fo:block>
          <fo:table width="100%" table-layout="fixed" space-after="5mm">
            <fo:table-column column-width="35%"/><fo:table-column column-width="20%"/>
            <fo:table-column column-width="15%"/><fo:table-column column-width="15%"/>
            <fo:table-column column-width="15%"/>
            <fo:table-header font-weight="bold">
              <fo:table-row border-bottom="0.5pt solid black">
                <fo:table-cell padding="1mm"><fo:block><xsl:choose><xsl:when test="$en">Invoice</xsl:when><xsl:otherwise>Facture</xsl:otherwise></xsl:choose></fo:block></fo:table-cell>
                <fo:table-cell padding="1mm"><fo:block>Date</fo:block></fo:table-cell>
                <fo:table-cell padding="1mm"><fo:block text-align="end"><xsl:choose><xsl:when test="$en">Fee %</xsl:when><xsl:otherwise>Commission %</xsl:otherwise></xsl:choose></fo:block></fo:table-cell>
                <fo:table-cell padding="1mm"><fo:block text-align="end"><xsl:choose><xsl:when test="$en">Excl. VAT</xsl:when><xsl:otherwise>HT</xsl:otherwise></xsl:choose></fo:block></fo:table-cell>
                <fo:table-cell padding="1mm"><fo:block text-align="end">TTC</fo:block></fo:table-cell>
              </fo:table-row>
            </fo:table-header>
            <fo:table-body>
              <xsl:if test="not(s:invoice)"><fo:table-row><fo:table-cell number-columns-spanned="5"><fo:block>—</fo:block></fo:table-cell></fo:table-row></xsl:if>
              <xsl:for-each select="s:invoice">
                <xsl:variable name="sign"><xsl:if test="@kind = 'credit-note'">-</xsl:if></xsl:variable>
                <fo:table-row keep-together.within-page="always">
                  <fo:table-cell padding="1mm"><fo:block><xsl:value-of select="@number"/><xsl:if test="@kind = 'credit-note'"><xsl:choose><xsl:when test="$en"> (credit note)</xsl:when><xsl:otherwise> (avoir)</xsl:otherwise></xsl:choose></xsl:if></fo:block></fo:table-cell>
                  <fo:table-cell padding="1mm"><fo:block><xsl:value-of select="@date"/></fo:block></fo:table-cell>
                  <fo:table-cell padding="1mm"><fo:block text-align="end"><xsl:value-of select="@fee-percent"/></fo:block></fo:table-cell>
                  <fo:table-cell padding="1mm"><fo:block text-align="end"><xsl:call-template name="eur"><xsl:with-param name="c" select="concat($sign, @excl-cents)"/></xsl:call-template></fo:block></fo:table-cell>
                  <fo:table-cell padding="1mm"><fo:block text-align="end"><xsl:call-template name="eur"><xsl:with-param name="c" select="concat($sign, @incl-cents)"/></xsl:call-template></fo:block></fo:table-cell>
                </fo:table-row>
              </xsl:for-each>
            </fo:table-body>
          </fo:table>
          <xsl:variable name="t" select="s:totals"/>
          <fo:table width="100%" table-layout="fixed">
            <fo:table-column column-width="70%"/><fo:table-column column-width="30%"/>
            <fo:table-body>
              <xsl:call-template name="row"><xsl:with-param name="label"><xsl:choose><xsl:when test="$en">Sales collected on your behalf (incl. VAT)</xsl:when><xsl:otherwise>Ventes encaissées pour votre compte (TTC)</xsl:otherwise></xsl:choose></xsl:with-param><xsl:with-param name="c" select="$t/@sales-incl-cents"/></xsl:call-template>
              <xsl:call-template name="row"><xsl:with-param name="label"><xsl:choose><xsl:when test="$en">Credit notes (incl. VAT)</xsl:when><xsl:otherwise>Avoirs (TTC)</xsl:otherwise></xsl:choose></xsl:with-param><xsl:with-param name="c" select="concat('-', $t/@credits-incl-cents)"/></xsl:call-template>
              <xsl:call-template name="row"><xsl:with-param name="label"><xsl:choose><xsl:when test="$en">Hub fee excl. VAT</xsl:when><xsl:otherwise>Commission du hub HT</xsl:otherwise></xsl:choose> (<xsl:value-of select="$t/@commission-invoice"/>)</xsl:with-param><xsl:with-param name="c" select="concat('-', $t/@fee-excl-cents)"/></xsl:call-template>
              <xsl:call-template name="row"><xsl:with-param name="label"><xsl:choose><xsl:when test="$en">VAT on the fee (20 %)</xsl:when><xsl:otherwise>TVA sur la commission (20 %)</xsl:otherwise></xsl:choose></xsl:with-param><xsl:with-param name="c" select="concat('-', $t/@fee-vat-cents)"/></xsl:call-template>
              <xsl:call-template name="row"><xsl:with-param name="label"><xsl:choose><xsl:when test="$en">Paid back to you</xsl:when><xsl:otherwise>Montant reversé</xsl:otherwise></xsl:choose></xsl:with-param><xsl:with-param name="c" select="$t/@due-cents"/><xsl:with-param name="bold" select="true()"/></xsl:call-template>
            </fo:table-body>
          </fo:table>
        </fo:flow>
      </fo:page-sequence>
    </fo:root>
  </xsl:template>
</xsl:stylesheet>
