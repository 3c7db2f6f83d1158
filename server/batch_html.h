/*
 * server/batch_html.h — a cycle's delivery rounds as an HTML fragment for the
 * coordinator desk page: a summary, a map drawn as inline SVG and one table per
 * round.
 *
 * The fragment holds no script, no style attribute and no external resource, so
 * it passes a CSP of default-src 'self'; style-src 'self'. Colours and dashes of
 * the map are SVG presentation attributes (which CSP allows); everything else
 * looks as the stylesheet says through these classes:
 *   km0-rounds          <section> around the whole fragment
 *   km0-rounds-summary  <p> with the totals
 *   km0-rounds-empty    <p> shown when the cycle has no rounds
 *   km0-rounds-map      <figure> holding the map and its legend
 *   km0-rounds-svg      the map's <svg>: it has a viewBox and no size, so give it
 *                       width: 100%; height: auto (and a max-width as wanted)
 *   km0-rounds-legend   <ul> under the map: one <li> per round
 *   km0-swatch          small inline <svg> before each legend entry
 *   km0-round           <table> of one round (its <caption> names the vehicle)
 *   km0-num             numeric <td>/<th>, to align right
 *   km0-late            <tr> of a stop arriving after its slot closes; the
 *                       "late" cell also says so in words, never by colour alone
 *   km0-part            <span> "part 1/2" under a pickup point split across rounds
 */
#ifndef KM0_BATCH_HTML_H
#define KM0_BATCH_HTML_H

#include "../core/batch.h"
#include "../core/buf.h"

/* Append the fragment for b (from batch_rounds or batch_cycle) to out. lang "en"
 * (or anything starting with "en") for English, French otherwise. Every text from
 * the database is HTML-escaped. */
void batch_render_html(buf *out, const batch_result *b, const char *lang);

#endif
