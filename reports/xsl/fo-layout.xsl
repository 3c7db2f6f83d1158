<?xml version="1.0" encoding="UTF-8"?>
<!--
  reports/xsl/fo-layout.xsl — the A4 page of every km0 document in XSL-FO.

  A kind's KIND-fo.xsl imports this file and provides two templates:
    match="/*" mode="sections"  calls "section" once per part of the document
                                (or "empty-section" when there is nothing);
    match="…"  mode="body"      the content of one section.
  Each section is a page sequence numbered on its own, "page n / N", where N
  comes from fo:page-number-citation of the section's last block: a sheet
  handed to one pickup point or one driver counts its own pages. Tables
  repeat their header on every page and no row is ever split across pages.

  Parameter attachment: a file name; when set (PDF/A-3b), the file is embedded
  in the PDF (FOP's pdf:embedded-file, FOP run with -pdfprofile "PDF/A-3b").
  Fonts: Liberation Sans as configured in reports/fop.xconf (embedded, as
  PDF/A requires), else FOP's Helvetica.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:fo="http://www.w3.org/1999/XSL/Format"
                xmlns:pdf="http://xmlgraphics.apache.org/fop/extensions/pdf"
                xmlns:k="urn:km0:report:1" exclude-result-prefixes="k">
  <xsl:import href="common.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <xsl:param name="attachment" select="''"/>
  <xsl:variable name="font">Liberation Sans, Helvetica</xsl:variable>
  <!-- the title of the document: the label named after the root element -->
  <xsl:variable name="title">
    <xsl:call-template name="t"><xsl:with-param name="k" select="local-name(/*)"/></xsl:call-template>
  </xsl:variable>

  <xsl:attribute-set name="th">
    <xsl:attribute name="font-weight">bold</xsl:attribute>
    <xsl:attribute name="background-color">#e6e6e6</xsl:attribute>
    <xsl:attribute name="padding">1.5pt 3pt</xsl:attribute>
    <xsl:attribute name="border-bottom">0.8pt solid #000</xsl:attribute>
    <xsl:attribute name="display-align">after</xsl:attribute>
  </xsl:attribute-set>
  <xsl:attribute-set name="td">
    <xsl:attribute name="padding">1.5pt 3pt</xsl:attribute>
    <xsl:attribute name="border-bottom">0.3pt solid #999</xsl:attribute>
    <xsl:attribute name="display-align">before</xsl:attribute>
  </xsl:attribute-set>
  <xsl:attribute-set name="row">
    <xsl:attribute name="keep-together.within-page">always</xsl:attribute>
  </xsl:attribute-set>
  <xsl:attribute-set name="table">
    <xsl:attribute name="table-layout">fixed</xsl:attribute>
    <xsl:attribute name="width">100%</xsl:attribute>
    <xsl:attribute name="border-collapse">collapse</xsl:attribute>
    <xsl:attribute name="space-before">3mm</xsl:attribute>
  </xsl:attribute-set>
  <xsl:attribute-set name="info">
    <xsl:attribute name="space-after">1pt</xsl:attribute>
  </xsl:attribute-set>

  <xsl:template match="/">
    <fo:root font-family="{$font}" font-size="9pt" line-height="1.25" language="{$lg}">
      <fo:layout-master-set>
        <fo:simple-page-master master-name="a4" page-width="210mm" page-height="297mm"
                               margin-top="10mm" margin-bottom="8mm" margin-left="14mm" margin-right="14mm">
          <fo:region-body margin-top="24mm" margin-bottom="10mm"/>
          <fo:region-before extent="22mm"/>
          <fo:region-after extent="7mm"/>
        </fo:simple-page-master>
      </fo:layout-master-set>
      <xsl:if test="$attachment != ''">
        <fo:declarations>
          <pdf:embedded-file filename="{$attachment}" src="url({$attachment})"
                             description="km0 XML document this PDF was made from"/>
        </fo:declarations>
      </xsl:if>
      <xsl:apply-templates select="/*" mode="sections"/>
    </fo:root>
  </xsl:template>

  <!-- One sheet: header (hub, title, cycle, heading), footer (printed, page n / N), body. -->
  <xsl:template name="section">
    <xsl:param name="heading"/>
    <xsl:variable name="end" select="concat('end-', generate-id())"/>
    <fo:page-sequence master-reference="a4" initial-page-number="1" force-page-count="no-force">
      <fo:static-content flow-name="xsl-region-before">
        <fo:table table-layout="fixed" width="100%">
          <fo:table-column column-width="proportional-column-width(1)"/>
          <fo:table-column column-width="proportional-column-width(1)"/>
          <fo:table-body>
            <fo:table-row>
              <fo:table-cell>
                <fo:block font-weight="bold"><xsl:value-of select="$head/k:hub/k:name"/></fo:block>
                <fo:block font-size="7.5pt"><xsl:value-of select="$head/k:hub/k:address"/></fo:block>
                <fo:block font-size="7.5pt"><xsl:value-of select="$head/k:hub/k:phone"/></fo:block>
              </fo:table-cell>
              <fo:table-cell text-align="end">
                <fo:block font-size="12pt" font-weight="bold"><xsl:value-of select="$title"/></fo:block>
                <fo:block>
                  <xsl:value-of select="$head/k:cycle/k:name"/>
                </fo:block>
                <fo:block>
                  <xsl:call-template name="t"><xsl:with-param name="k" select="'delivery-day'"/></xsl:call-template>
                  <xsl:text> </xsl:text>
                  <xsl:call-template name="delivery-day"/>
                </fo:block>
              </fo:table-cell>
            </fo:table-row>
          </fo:table-body>
        </fo:table>
        <fo:block font-size="11.5pt" font-weight="bold" space-before="2mm" padding-bottom="1pt"
                  border-bottom="1pt solid #000">
          <xsl:copy-of select="$heading"/>
        </fo:block>
      </fo:static-content>
      <fo:static-content flow-name="xsl-region-after">
        <fo:block font-size="7.5pt" color="#444" text-align-last="justify">
          <xsl:text>km0 · </xsl:text>
          <xsl:call-template name="t"><xsl:with-param name="k" select="'generated'"/></xsl:call-template>
          <xsl:text> </xsl:text>
          <xsl:call-template name="generated"/>
          <fo:leader leader-pattern="space"/>
          <xsl:call-template name="t"><xsl:with-param name="k" select="'page'"/></xsl:call-template>
          <xsl:text> </xsl:text>
          <fo:page-number/>
          <xsl:text> / </xsl:text>
          <fo:page-number-citation ref-id="{$end}"/>
        </fo:block>
      </fo:static-content>
      <fo:flow flow-name="xsl-region-body">
        <xsl:apply-templates select="." mode="body"/>
        <fo:block id="{$end}" keep-with-previous.within-page="always"/>
      </fo:flow>
    </fo:page-sequence>
  </xsl:template>

  <!-- A document with nothing in it still prints one page saying so. -->
  <xsl:template name="empty-section">
    <xsl:call-template name="section">
      <xsl:with-param name="heading" select="$title"/>
    </xsl:call-template>
  </xsl:template>
  <xsl:template match="/*" mode="body">
    <fo:block space-before="6mm">
      <xsl:choose>
        <!-- the invoices of a cycle not invoiced yet: say how they come to be -->
        <xsl:when test="local-name(/*) = 'invoices' and $head/k:cycle/@state != 'invoiced'">
          <xsl:call-template name="t"><xsl:with-param name="k" select="'nothing-invoices'"/></xsl:call-template>
        </xsl:when>
        <xsl:otherwise>
          <xsl:call-template name="t"><xsl:with-param name="k" select="'nothing'"/></xsl:call-template>
        </xsl:otherwise>
      </xsl:choose>
    </fo:block>
  </xsl:template>

  <!-- a header cell: <xsl:call-template name="th"><xsl:with-param name="k" .../> -->
  <xsl:template name="th">
    <xsl:param name="k"/>
    <xsl:param name="align" select="'start'"/>
    <fo:table-cell xsl:use-attribute-sets="th" text-align="{$align}">
      <fo:block><xsl:call-template name="t"><xsl:with-param name="k" select="$k"/></xsl:call-template></fo:block>
    </fo:table-cell>
  </xsl:template>

  <!-- an empty square to tick by hand -->
  <xsl:template name="tick-box">
    <fo:block-container width="3.2mm" height="3.2mm" border="0.7pt solid #000">
      <fo:block/>
    </fo:block-container>
  </xsl:template>
</xsl:stylesheet>
