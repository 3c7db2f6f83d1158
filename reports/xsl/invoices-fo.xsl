<?xml version="1.0" encoding="UTF-8"?>
<!--
  reports/xsl/invoices-fo.xsl — invoices and credit notes in XSL-FO, A4, one page
  sequence per invoice (numbered "page n / N" within it).

  What French law wants on the page: seller's name, address, SIRET and VAT
  number (or, under the franchise, "TVA non applicable, art. 293 B du CGI");
  the buyer's name and address (SIRET and VAT number for a business); number,
  issue date, delivery date; per line the description, quantity, unit, unit
  price excl. VAT and VAT rate; totals excl. VAT, VAT per rate, incl. VAT; the
  due date and payment terms; the late-payment penalties and, for business
  buyers, the 40 EUR recovery indemnity (the invoice's notes).

  Parameter archive = "1": the invoices are a batch of the archive, rendered
  as PDF/A-3b and cut into one Factur-X file each (reports/archive_render.c,
  which attaches factur-x.xml and writes the fx: metadata into each part). The
  first and last blocks of the invoice at position i carry the ids km0-s-i and
  km0-e-i, declared as named destinations (fox:destination), so the PDF says on
  which page each starts and ends (reports/pdf_parts.h).
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:fo="http://www.w3.org/1999/XSL/Format"
                xmlns:fox="http://xmlgraphics.apache.org/fop/extensions"
                xmlns:k="urn:km0:report:1" exclude-result-prefixes="k">
  <xsl:import href="fo-layout.xsl"/>
  <xsl:import href="invoice-common.xsl"/>

  <xsl:param name="archive" select="''"/>

  <xsl:template match="/">
    <fo:root font-family="{$font}" font-size="9pt" line-height="1.25" language="{$lg}">
      <fo:layout-master-set>
        <fo:simple-page-master master-name="a4" page-width="210mm" page-height="297mm"
                               margin-top="10mm" margin-bottom="8mm" margin-left="14mm" margin-right="14mm">
          <fo:region-body margin-top="24mm" margin-bottom="10mm"/>
          <fo:region-before extent="22mm"/>
          <fo:region-after extent="7mm"/>
        </fo:simple-page-master>
        <fo:simple-page-master master-name="invoice" page-width="210mm" page-height="297mm"
                               margin-top="10mm" margin-bottom="8mm" margin-left="16mm" margin-right="16mm">
          <fo:region-body margin-top="8mm" margin-bottom="10mm"/>
          <fo:region-before extent="6mm"/>
          <fo:region-after extent="7mm"/>
        </fo:simple-page-master>
      </fo:layout-master-set>
      <xsl:if test="$archive = '1'">
        <xsl:for-each select="k:invoices/k:invoice">
          <fox:destination internal-destination="km0-s-{position()}"/>
          <fox:destination internal-destination="km0-e-{position()}"/>
        </xsl:for-each>
      </xsl:if>
      <xsl:choose>
        <xsl:when test="k:invoices/k:invoice">
          <xsl:apply-templates select="k:invoices/k:invoice" mode="sheet"/>
        </xsl:when>
        <xsl:otherwise><xsl:call-template name="empty-section"/></xsl:otherwise>
      </xsl:choose>
    </fo:root>
  </xsl:template>

  <!-- ==== one invoice ==== -->

  <xsl:template match="k:invoice" mode="sheet">
    <xsl:variable name="end">
      <xsl:choose>
        <xsl:when test="$archive = '1'"><xsl:value-of select="concat('km0-e-', position())"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="concat('end-', generate-id())"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <fo:page-sequence master-reference="invoice" initial-page-number="1" force-page-count="no-force">
      <fo:static-content flow-name="xsl-region-before">
        <fo:block font-size="7.5pt" color="#444" text-align-last="justify">
          <xsl:value-of select="k:seller/k:name"/>
          <fo:leader leader-pattern="space"/>
          <xsl:call-template name="doc-title"/>
        </fo:block>
      </fo:static-content>
      <fo:static-content flow-name="xsl-region-after">
        <fo:block font-size="7.5pt" color="#444" text-align-last="justify">
          <xsl:call-template name="doc-title"/>
          <fo:leader leader-pattern="space"/>
          <xsl:call-template name="t"><xsl:with-param name="k" select="'page'"/></xsl:call-template>
          <xsl:text> </xsl:text>
          <fo:page-number/>
          <xsl:text> / </xsl:text>
          <fo:page-number-citation ref-id="{$end}"/>
        </fo:block>
      </fo:static-content>
      <fo:flow flow-name="xsl-region-body">
        <xsl:if test="$archive = '1'"><fo:block id="km0-s-{position()}"/></xsl:if>
        <xsl:call-template name="top"/>
        <xsl:call-template name="lines"/>
        <xsl:call-template name="vat-and-totals"/>
        <xsl:call-template name="payment-and-notes"/>
        <fo:block id="{$end}" keep-with-previous.within-page="always"/>
      </fo:flow>
    </fo:page-sequence>
  </xsl:template>

  <!-- seller on the left, the document on the right; then the buyer -->
  <xsl:template name="top">
    <fo:table table-layout="fixed" width="100%">
      <fo:table-column column-width="proportional-column-width(1)"/>
      <fo:table-column column-width="72mm"/>
      <fo:table-body>
        <fo:table-row>
          <fo:table-cell padding-right="6mm">
            <fo:block font-size="12pt" font-weight="bold"><xsl:value-of select="k:seller/k:name"/></fo:block>
            <xsl:apply-templates select="k:seller" mode="identity"/>
            <xsl:if test="k:intermediary">
              <fo:block space-before="2mm" font-size="8pt">
                <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-intermediary'"/></xsl:call-template>
                <xsl:text> </xsl:text>
                <xsl:call-template name="party-line"><xsl:with-param name="p" select="k:intermediary"/></xsl:call-template>
              </fo:block>
            </xsl:if>
          </fo:table-cell>
          <fo:table-cell>
            <fo:block font-size="16pt" font-weight="bold" text-align="end">
              <xsl:call-template name="t"><xsl:with-param name="k" select="concat('inv-', @type-code)"/></xsl:call-template>
            </fo:block>
            <fo:block font-size="11pt" font-weight="bold" text-align="end" space-after="2mm">
              <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-number'"/></xsl:call-template>
              <xsl:value-of select="concat(' ', @number)"/>
            </fo:block>
            <xsl:for-each select="k:corrects">
              <fo:block text-align="end">
                <xsl:call-template name="corrects-line"/>
              </fo:block>
            </xsl:for-each>
            <xsl:call-template name="date-row"><xsl:with-param name="k" select="'inv-issue-date'"/><xsl:with-param name="d" select="@issue-date"/></xsl:call-template>
            <xsl:call-template name="date-row"><xsl:with-param name="k" select="'inv-delivery-date'"/><xsl:with-param name="d" select="@delivery-date"/></xsl:call-template>
            <xsl:call-template name="date-row"><xsl:with-param name="k" select="'inv-due-date'"/><xsl:with-param name="d" select="@due-date"/></xsl:call-template>
            <xsl:if test="@order">
              <fo:block text-align="end">
                <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-order'"/></xsl:call-template>
                <xsl:value-of select="concat(' ', @order)"/>
              </fo:block>
            </xsl:if>
          </fo:table-cell>
        </fo:table-row>
      </fo:table-body>
    </fo:table>
    <!-- inner blocks reset the indent: FOP would apply the container's margin twice -->
    <fo:block-container margin-left="98mm" space-before="5mm" border="0.6pt solid #000" padding="2.5mm">
      <fo:block start-indent="0" end-indent="0">
        <fo:block font-size="7.5pt" color="#444">
          <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-buyer'"/></xsl:call-template>
        </fo:block>
        <fo:block font-size="10.5pt" font-weight="bold"><xsl:value-of select="k:buyer/k:name"/></fo:block>
        <xsl:apply-templates select="k:buyer" mode="identity"/>
        <!-- a buyer without e-mail gets this invoice on paper (schema/017_paper.sql) -->
        <xsl:if test="not(string(k:buyer/k:email))">
          <fo:block space-before="1.5mm" font-size="9pt" font-weight="bold">
            <xsl:call-template name="t"><xsl:with-param name="k" select="'paper-invoice-note'"/></xsl:call-template>
          </fo:block>
        </xsl:if>
        <xsl:for-each select="k:delivery-place">
          <fo:block space-before="1.5mm" font-size="8pt">
            <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-delivery-place'"/></xsl:call-template>
            <xsl:value-of select="concat(' : ', k:name)"/>
            <xsl:if test="string(k:address)"><xsl:value-of select="concat(', ', k:address)"/></xsl:if>
          </fo:block>
        </xsl:for-each>
      </fo:block>
    </fo:block-container>
  </xsl:template>

  <xsl:template match="k:seller | k:buyer" mode="identity">
    <xsl:if test="string(k:legal-form)"><fo:block><xsl:value-of select="k:legal-form"/></fo:block></xsl:if>
    <xsl:if test="string(k:address)"><fo:block><xsl:value-of select="k:address"/></fo:block></xsl:if>
    <xsl:if test="string(k:siret)">
      <fo:block>
        <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-siret'"/></xsl:call-template>
        <xsl:value-of select="concat(' ', k:siret)"/>
      </fo:block>
    </xsl:if>
    <xsl:choose>
      <xsl:when test="string(k:vat-number)">
        <fo:block>
          <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-vat-number'"/></xsl:call-template>
          <xsl:value-of select="concat(' ', k:vat-number)"/>
        </fo:block>
      </xsl:when>
      <xsl:when test="@franchise = 'true'">
        <fo:block font-weight="bold"><xsl:value-of select="$franchise-text"/></fo:block>
      </xsl:when>
    </xsl:choose>
    <xsl:if test="self::k:seller">
      <xsl:if test="string(k:email)">
        <fo:block>
          <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-email'"/></xsl:call-template>
          <xsl:value-of select="concat(' ', k:email)"/>
        </fo:block>
      </xsl:if>
      <xsl:if test="string(k:phone)">
        <fo:block>
          <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-phone'"/></xsl:call-template>
          <xsl:value-of select="concat(' ', k:phone)"/>
        </fo:block>
      </xsl:if>
    </xsl:if>
  </xsl:template>

  <xsl:template name="date-row">
    <xsl:param name="k"/>
    <xsl:param name="d"/>
    <fo:block text-align="end">
      <xsl:call-template name="t"><xsl:with-param name="k" select="$k"/></xsl:call-template>
      <xsl:text> : </xsl:text>
      <xsl:call-template name="date-short"><xsl:with-param name="d" select="$d"/></xsl:call-template>
    </fo:block>
  </xsl:template>

  <xsl:template name="lines">
    <fo:table xsl:use-attribute-sets="table" space-before="7mm">
      <fo:table-column column-width="proportional-column-width(1)"/>
      <fo:table-column column-width="24mm"/>
      <fo:table-column column-width="27mm"/>
      <fo:table-column column-width="14mm"/>
      <fo:table-column column-width="24mm"/>
      <fo:table-header>
        <fo:table-row>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'inv-description'"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'inv-quantity'"/><xsl:with-param name="align" select="'end'"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'inv-unit-price'"/><xsl:with-param name="align" select="'end'"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'inv-vat-rate'"/><xsl:with-param name="align" select="'end'"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="k" select="'inv-net'"/><xsl:with-param name="align" select="'end'"/></xsl:call-template>
        </fo:table-row>
      </fo:table-header>
      <fo:table-body>
        <xsl:for-each select="k:line">
          <fo:table-row xsl:use-attribute-sets="row">
            <fo:table-cell xsl:use-attribute-sets="td">
              <fo:block><xsl:value-of select="k:description"/></fo:block>
              <fo:block font-size="7.5pt" color="#444">
                <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-ref'"/></xsl:call-template>
                <xsl:value-of select="concat(' ', @sku)"/>
                <xsl:if test="k:producer">
                  <xsl:text> · </xsl:text>
                  <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-producer'"/></xsl:call-template>
                  <xsl:value-of select="concat(' : ', k:producer)"/>
                </xsl:if>
              </fo:block>
            </fo:table-cell>
            <fo:table-cell xsl:use-attribute-sets="td" text-align="end">
              <fo:block>
                <xsl:call-template name="qty"><xsl:with-param name="q" select="@quantity"/><xsl:with-param name="unit" select="@unit"/></xsl:call-template>
              </fo:block>
            </fo:table-cell>
            <fo:table-cell xsl:use-attribute-sets="td" text-align="end">
              <fo:block><xsl:call-template name="price"><xsl:with-param name="p" select="@unit-price"/></xsl:call-template></fo:block>
            </fo:table-cell>
            <fo:table-cell xsl:use-attribute-sets="td" text-align="end">
              <fo:block><xsl:call-template name="rate"><xsl:with-param name="r" select="@vat-rate"/><xsl:with-param name="c" select="@vat-category"/></xsl:call-template></fo:block>
            </fo:table-cell>
            <fo:table-cell xsl:use-attribute-sets="td" text-align="end">
              <fo:block><xsl:call-template name="money"><xsl:with-param name="cents" select="@net-cents"/></xsl:call-template></fo:block>
            </fo:table-cell>
          </fo:table-row>
        </xsl:for-each>
      </fo:table-body>
    </fo:table>
  </xsl:template>

  <xsl:template name="vat-and-totals">
    <fo:table table-layout="fixed" width="100%" space-before="5mm" keep-together.within-page="always">
      <fo:table-column column-width="proportional-column-width(1)"/>
      <fo:table-column column-width="8mm"/>
      <fo:table-column column-width="66mm"/>
      <fo:table-body>
        <fo:table-row>
          <fo:table-cell>
            <fo:block font-weight="bold">
              <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-vat-breakdown'"/></xsl:call-template>
            </fo:block>
            <fo:table xsl:use-attribute-sets="table" space-before="1mm">
              <fo:table-column column-width="proportional-column-width(1)"/>
              <fo:table-column column-width="26mm"/>
              <fo:table-column column-width="30mm"/>
              <fo:table-header>
                <fo:table-row>
                  <xsl:call-template name="th"><xsl:with-param name="k" select="'inv-rate'"/></xsl:call-template>
                  <xsl:call-template name="th"><xsl:with-param name="k" select="'inv-base'"/><xsl:with-param name="align" select="'end'"/></xsl:call-template>
                  <xsl:call-template name="th"><xsl:with-param name="k" select="'inv-vat-amount'"/><xsl:with-param name="align" select="'end'"/></xsl:call-template>
                </fo:table-row>
              </fo:table-header>
              <fo:table-body>
                <xsl:for-each select="k:vat">
                  <fo:table-row xsl:use-attribute-sets="row">
                    <fo:table-cell xsl:use-attribute-sets="td">
                      <fo:block>
                        <xsl:call-template name="rate"><xsl:with-param name="r" select="@rate"/><xsl:with-param name="c" select="@category"/></xsl:call-template>
                      </fo:block>
                      <xsl:if test="string(.)"><fo:block font-size="7.5pt"><xsl:value-of select="."/></fo:block></xsl:if>
                    </fo:table-cell>
                    <fo:table-cell xsl:use-attribute-sets="td" text-align="end">
                      <fo:block><xsl:call-template name="money"><xsl:with-param name="cents" select="@base-cents"/></xsl:call-template></fo:block>
                    </fo:table-cell>
                    <fo:table-cell xsl:use-attribute-sets="td" text-align="end">
                      <fo:block><xsl:call-template name="money"><xsl:with-param name="cents" select="@vat-cents"/></xsl:call-template></fo:block>
                    </fo:table-cell>
                  </fo:table-row>
                </xsl:for-each>
              </fo:table-body>
            </fo:table>
          </fo:table-cell>
          <fo:table-cell><fo:block/></fo:table-cell>
          <fo:table-cell>
            <xsl:call-template name="total-row"><xsl:with-param name="k" select="'inv-total-excl'"/><xsl:with-param name="c" select="k:totals/@excl-cents"/></xsl:call-template>
            <xsl:call-template name="total-row"><xsl:with-param name="k" select="'inv-total-vat'"/><xsl:with-param name="c" select="k:totals/@vat-cents"/></xsl:call-template>
            <xsl:call-template name="total-row"><xsl:with-param name="k" select="'inv-total-incl'"/><xsl:with-param name="c" select="k:totals/@incl-cents"/></xsl:call-template>
            <fo:block font-size="11pt" font-weight="bold" text-align-last="justify" border-top="1pt solid #000"
                      padding-top="1mm" space-before="1mm">
              <xsl:call-template name="due-label"/>
              <fo:leader leader-pattern="space"/>
              <xsl:call-template name="money"><xsl:with-param name="cents" select="k:totals/@incl-cents"/></xsl:call-template>
            </fo:block>
          </fo:table-cell>
        </fo:table-row>
      </fo:table-body>
    </fo:table>
  </xsl:template>

  <xsl:template name="total-row">
    <xsl:param name="k"/>
    <xsl:param name="c"/>
    <fo:block text-align-last="justify" space-after="0.8mm">
      <xsl:call-template name="t"><xsl:with-param name="k" select="$k"/></xsl:call-template>
      <fo:leader leader-pattern="space"/>
      <xsl:call-template name="money"><xsl:with-param name="cents" select="$c"/></xsl:call-template>
    </fo:block>
  </xsl:template>

  <xsl:template name="payment-and-notes">
    <fo:block space-before="6mm" font-weight="bold" keep-with-next.within-page="always">
      <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-payment'"/></xsl:call-template>
    </fo:block>
    <fo:block>
      <xsl:value-of select="k:payment-terms"/>
      <xsl:text> </xsl:text>
      <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-due-date'"/></xsl:call-template>
      <xsl:text> : </xsl:text>
      <xsl:call-template name="date-short"><xsl:with-param name="d" select="@due-date"/></xsl:call-template>
    </fo:block>
    <xsl:apply-templates select="k:transfer"/>
    <xsl:if test="k:note">
      <fo:block space-before="3mm" font-weight="bold" keep-with-next.within-page="always">
        <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-mentions'"/></xsl:call-template>
      </fo:block>
      <xsl:for-each select="k:note">
        <fo:block font-size="8pt"><xsl:value-of select="."/></fo:block>
      </xsl:for-each>
    </xsl:if>
  </xsl:template>

  <!-- Paying by transfer: beneficiary, IBAN, BIC, reference, amount, and the EPC QR code
       drawn as SVG (FOP renders it as vector paths) beside them. -->
  <xsl:template match="k:transfer">
    <fo:table space-before="3mm" table-layout="fixed" width="100%" keep-together.within-page="always">
      <fo:table-column column-width="proportional-column-width(1)"/>
      <fo:table-column column-width="32mm"/>
      <fo:table-body>
        <fo:table-row>
          <fo:table-cell>
            <fo:block font-weight="bold">
              <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-transfer'"/></xsl:call-template>
            </fo:block>
            <fo:block><xsl:value-of select="@beneficiary"/></fo:block>
            <fo:block>IBAN <xsl:value-of select="@iban"/></fo:block>
            <xsl:if test="@bic"><fo:block>BIC <xsl:value-of select="@bic"/></fo:block></xsl:if>
            <fo:block>
              <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-reference'"/></xsl:call-template>
              <xsl:text> : </xsl:text>
              <fo:inline font-weight="bold"><xsl:value-of select="@reference"/></fo:inline>
            </fo:block>
            <fo:block>
              <xsl:call-template name="t"><xsl:with-param name="k" select="'inv-amount'"/></xsl:call-template>
              <xsl:text> : </xsl:text>
              <xsl:call-template name="money"><xsl:with-param name="cents" select="@amount-cents"/></xsl:call-template>
            </fo:block>
          </fo:table-cell>
          <fo:table-cell>
            <xsl:if test="k:qr">
              <fo:block>
                <fo:instream-foreign-object content-width="30mm" content-height="30mm">
                  <svg:svg xmlns:svg="http://www.w3.org/2000/svg" width="30mm" height="30mm"
                           viewBox="0 0 {k:qr/@size} {k:qr/@size}">
                    <svg:rect width="{k:qr/@size}" height="{k:qr/@size}" fill="#ffffff"/>
                    <svg:path fill="#000000" d="{k:qr/@d}"/>
                  </svg:svg>
                </fo:instream-foreign-object>
              </fo:block>
            </xsl:if>
          </fo:table-cell>
        </fo:table-row>
      </fo:table-body>
    </fo:table>
  </xsl:template>
</xsl:stylesheet>
