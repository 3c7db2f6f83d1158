<?xml version="1.0" encoding="UTF-8"?>
<!--
  reports/xsl/common.xsl — what the FO and HTML stylesheets of every kind share:
  the language, the labels (labels.xml) and the way numbers, money, weights,
  distances, times and dates are written.

  Money, weights and distances are formatted from integers (cents, grams,
  metres) with integer arithmetic only, so nothing is lost to floating point:
  1234567 cents prints "12 345,67 €" in French and "€12,345.67" in English.
  Parameter lang ("fr" or "en") defaults to the document's head/lang.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:k="urn:km0:report:1" xmlns:l="urn:km0:labels"
                exclude-result-prefixes="k l">

  <xsl:param name="lang" select="string(/*/k:head/k:lang)"/>
  <xsl:variable name="lg">
    <xsl:choose>
      <xsl:when test="$lang = 'en'">en</xsl:when>
      <xsl:otherwise>fr</xsl:otherwise>
    </xsl:choose>
  </xsl:variable>
  <xsl:variable name="L" select="document('labels.xml')/l:labels"/>
  <xsl:variable name="head" select="/*/k:head"/>

  <xsl:decimal-format name="fr" decimal-separator="," grouping-separator="&#160;"/>
  <xsl:decimal-format name="en" decimal-separator="." grouping-separator=","/>

  <!-- a label by key (an index: an invoice asks for some forty) -->
  <xsl:key name="label" match="l:t" use="@k"/>
  <xsl:template name="t">
    <xsl:param name="k"/>
    <xsl:for-each select="$L">
      <xsl:variable name="found" select="key('label', $k)/@*[local-name() = $lg]"/>
      <xsl:choose>
        <xsl:when test="$found"><xsl:value-of select="$found"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$k"/></xsl:otherwise>
      </xsl:choose>
    </xsl:for-each>
  </xsl:template>

  <!-- a whole number with the language's thousands separator -->
  <xsl:template name="int">
    <xsl:param name="n"/>
    <xsl:choose>
      <xsl:when test="$lg = 'en'"><xsl:value-of select="format-number($n, '#,##0', 'en')"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="format-number($n, '#&#160;##0', 'fr')"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- an integer amount of hundredths (or tenths) as a decimal: n / 10^scale -->
  <xsl:template name="fixed">
    <xsl:param name="n"/>
    <xsl:param name="scale" select="2"/>
    <xsl:variable name="abs" select="($n &gt;= 0) * $n - ($n &lt; 0) * $n"/>
    <xsl:variable name="unit" select="substring('100000', 1, $scale + 1)"/>
    <xsl:if test="$n &lt; 0">-</xsl:if>
    <xsl:call-template name="int">
      <xsl:with-param name="n" select="floor($abs div $unit)"/>
    </xsl:call-template>
    <xsl:choose>
      <xsl:when test="$lg = 'en'">.</xsl:when>
      <xsl:otherwise>,</xsl:otherwise>
    </xsl:choose>
    <xsl:value-of select="format-number($abs mod $unit, substring('00000', 1, $scale))"/>
  </xsl:template>

  <!-- cents as euros: "1 234,56 €" / "€1,234.56" -->
  <xsl:template name="money">
    <xsl:param name="cents"/>
    <xsl:if test="$lg = 'en'">€</xsl:if>
    <xsl:call-template name="fixed"><xsl:with-param name="n" select="$cents"/></xsl:call-template>
    <xsl:if test="$lg = 'fr'">&#160;€</xsl:if>
  </xsl:template>

  <!-- grams as kilograms to the tenth, half up: 2350 g -> "2,4 kg" -->
  <xsl:template name="kg">
    <xsl:param name="g"/>
    <xsl:param name="unit" select="true()"/>
    <xsl:call-template name="fixed">
      <xsl:with-param name="n" select="round($g div 100)"/>
      <xsl:with-param name="scale" select="1"/>
    </xsl:call-template>
    <xsl:if test="$unit">&#160;kg</xsl:if>
  </xsl:template>

  <!-- metres as kilometres to the tenth -->
  <xsl:template name="km">
    <xsl:param name="m"/>
    <xsl:call-template name="fixed">
      <xsl:with-param name="n" select="round($m div 100)"/>
      <xsl:with-param name="scale" select="1"/>
    </xsl:call-template>
    <xsl:text>&#160;km</xsl:text>
  </xsl:template>

  <!-- a quantity as written in the document ("1.5"), with its unit: "1,5 kg", "2 pièces" -->
  <xsl:template name="qty">
    <xsl:param name="q"/>
    <xsl:param name="unit"/>
    <xsl:choose>
      <xsl:when test="$lg = 'en'"><xsl:value-of select="$q"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="translate($q, '.', ',')"/></xsl:otherwise>
    </xsl:choose>
    <xsl:text>&#160;</xsl:text>
    <xsl:variable name="u" select="$L/l:unit[@c = $unit]"/>
    <xsl:choose>
      <xsl:when test="not($u)"><xsl:value-of select="$unit"/></xsl:when>
      <xsl:when test="number($q) &gt; 1"><xsl:value-of select="$u/@*[local-name() = concat($lg, 'p')]"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$u/@*[local-name() = $lg]"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- "2026-03-05T14:12:00+01:00" -> "14:12" -->
  <!-- a quantity as ordered, or "3 pièces → 2 pièces" when what was delivered differs
       (@delivered of the context node); a substitute shows only what it delivers -->
  <xsl:template name="qty-delivered">
    <xsl:param name="q" select="@quantity"/>
    <xsl:param name="unit" select="@unit"/>
    <xsl:choose>
      <xsl:when test="not(@delivered)">
        <xsl:call-template name="qty"><xsl:with-param name="q" select="$q"/><xsl:with-param name="unit" select="$unit"/></xsl:call-template>
      </xsl:when>
      <xsl:when test="@substitute = 'true'">
        <xsl:text>+ </xsl:text>
        <xsl:call-template name="qty"><xsl:with-param name="q" select="@delivered"/><xsl:with-param name="unit" select="$unit"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="qty"><xsl:with-param name="q" select="$q"/><xsl:with-param name="unit" select="$unit"/></xsl:call-template>
        <xsl:text> → </xsl:text>
        <xsl:call-template name="qty"><xsl:with-param name="q" select="@delivered"/><xsl:with-param name="unit" select="$unit"/></xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- the weight of a weighed item once known, else "≈ 4 kg" (the box is the layout's) -->
  <xsl:template name="measured">
    <xsl:choose>
      <xsl:when test="@actual">
        <xsl:call-template name="qty"><xsl:with-param name="q" select="@actual"/><xsl:with-param name="unit" select="@measure"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:text>≈ </xsl:text>
        <xsl:call-template name="qty"><xsl:with-param name="q" select="@estimate"/><xsl:with-param name="unit" select="@measure"/></xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- what changed in an order since it was placed, for the delivery sheet:
       "modifié (2)" / "changed (2)", "≈" while weighed products count at their estimate -->
  <xsl:template name="order-changes">
    <xsl:if test="@changes">
      <xsl:call-template name="t"><xsl:with-param name="k" select="'changed'"/></xsl:call-template>
      <xsl:value-of select="concat(' (', @changes, ')')"/>
    </xsl:if>
    <xsl:if test="@estimate = 'true'">
      <xsl:if test="@changes"><xsl:text> · </xsl:text></xsl:if>
      <xsl:text>≈ </xsl:text>
      <xsl:call-template name="t"><xsl:with-param name="k" select="'estimated'"/></xsl:call-template>
    </xsl:if>
  </xsl:template>

  <xsl:template name="hhmm">
    <xsl:param name="t"/>
    <xsl:value-of select="substring($t, 12, 5)"/>
  </xsl:template>

  <!-- "2026-03-05" with ISO day 4 -> "jeudi 5 mars 2026" / "Thursday 5 March 2026" -->
  <xsl:template name="date-long">
    <xsl:param name="date"/>
    <xsl:param name="day"/>
    <xsl:value-of select="$L/l:day[@n = $day]/@*[local-name() = $lg]"/>
    <xsl:text> </xsl:text>
    <xsl:value-of select="number(substring($date, 9, 2))"/>
    <xsl:text> </xsl:text>
    <xsl:value-of select="$L/l:month[@n = number(substring($date, 6, 2))]/@*[local-name() = $lg]"/>
    <xsl:text> </xsl:text>
    <xsl:value-of select="substring($date, 1, 4)"/>
  </xsl:template>

  <!-- when the document was made: "05/03/2026 08:12" / "2026-03-05 08:12" -->
  <xsl:template name="generated">
    <xsl:variable name="g" select="string($head/k:generated-at)"/>
    <xsl:choose>
      <xsl:when test="$lg = 'en'"><xsl:value-of select="substring($g, 1, 10)"/></xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="concat(substring($g, 9, 2), '/', substring($g, 6, 2), '/', substring($g, 1, 4))"/>
      </xsl:otherwise>
    </xsl:choose>
    <xsl:text> </xsl:text>
    <xsl:value-of select="substring($g, 12, 5)"/>
  </xsl:template>

  <!-- the delivery day of the cycle, long form -->
  <xsl:template name="delivery-day">
    <xsl:call-template name="date-long">
      <xsl:with-param name="date" select="string($head/k:cycle/k:delivery-date)"/>
      <xsl:with-param name="day" select="string($head/k:cycle/k:delivery-date/@day)"/>
    </xsl:call-template>
  </xsl:template>

  <!-- "Tournée 1 · Renault Kangoo" for a round-like element (seq, vehicle-name) -->
  <xsl:template name="round-name">
    <xsl:param name="r" select="."/>
    <xsl:call-template name="t"><xsl:with-param name="k" select="'round'"/></xsl:call-template>
    <xsl:value-of select="concat(' ', $r/@seq, ' · ', $r/@vehicle-name)"/>
  </xsl:template>

  <!-- "(partie 1/2)" for a split stop, nothing otherwise -->
  <xsl:template name="part">
    <xsl:param name="s" select="."/>
    <xsl:if test="$s/@parts &gt; 1">
      <xsl:text> (</xsl:text>
      <xsl:call-template name="t"><xsl:with-param name="k" select="'part'"/></xsl:call-template>
      <xsl:value-of select="concat(' ', $s/@part, '/', $s/@parts, ')')"/>
    </xsl:if>
  </xsl:template>

  <!-- "3 sacs" / "1 sac": a count and the label in the right number -->
  <xsl:template name="count">
    <xsl:param name="n"/>
    <xsl:param name="one"/>
    <xsl:param name="many"/>
    <xsl:call-template name="int"><xsl:with-param name="n" select="$n"/></xsl:call-template>
    <xsl:text> </xsl:text>
    <xsl:call-template name="t">
      <xsl:with-param name="k">
        <xsl:choose>
          <xsl:when test="$n &gt; 1"><xsl:value-of select="$many"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="$one"/></xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>
</xsl:stylesheet>
