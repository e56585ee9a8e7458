/**
 * Chartist's bar chart, loaded on demand: this module is its own chunk, so
 * pages without a chart never download it, and only BarChart (with the axes
 * and SVG helpers it draws with; FixedScaleAxis for round ticks on a scale
 * with a known top) enters it, not the line and pie charts.
 *
 * Chartist writes two inline style attributes: the SVG's size (the same as
 * its width/height attributes) and `overflow: visible` on each label's
 * foreignObject. The console's CSP (`style-src 'self'`) refuses style
 * attributes and the browser logs every refusal as an error, so they are
 * dropped here and styles.css sets both properties instead. Everything else
 * Chartist writes is a plain attribute, and chart.tsx styles bars through
 * element.style (the CSSOM, which the CSP allows).
 */
import { BarChart, FixedScaleAxis, Svg, type Attributes } from 'chartist';

const setAttributes = Svg.prototype.attr as (this: Svg, attributes: Attributes | string, ns?: string) => unknown;
Svg.prototype.attr = function attr(this: Svg, attributes: Attributes | string, ns?: string) {
  if (typeof attributes === 'object' && 'style' in attributes) {
    const { style: _refusedByCsp, ...rest } = attributes;
    return setAttributes.call(this, rest);
  }
  return setAttributes.call(this, attributes, ns);
} as Svg['attr'];

export { BarChart, FixedScaleAxis };
