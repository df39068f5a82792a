// Typeset TeX to SVG with MathJax 3 (the npm package mathjax-full), for _ext/build_math.py.
// Reads one JSON request per line on stdin, {"tex": "...", "display": true|false}, and answers one
// JSON line per request, {"html": "<mjx-container ...><svg ...>", "error": null | "TeX error message",
// "glyphs": {"MJX-TEX-I-1D465": "<path d=...>", ...}}. Glyphs are SVG paths that the formula <use>s by id
// (fontCache "global"): the page carries each glyph once, in one hidden <defs> (_ext/build_math.py), so a
// page needs no math font and no script: the formula is finished when the HTML arrives, and prints as it shows.
'use strict';
const readline = require('readline');
const {mathjax} = require('mathjax-full/js/mathjax.js');
const {TeX} = require('mathjax-full/js/input/tex.js');
const {SVG} = require('mathjax-full/js/output/svg.js');
const {liteAdaptor} = require('mathjax-full/js/adaptors/liteAdaptor.js');
const {RegisterHTMLHandler} = require('mathjax-full/js/handlers/html.js');
const {AllPackages} = require('mathjax-full/js/input/tex/AllPackages.js');

const adaptor = liteAdaptor();
RegisterHTMLHandler(adaptor);
// Every TeX package but the ones that load code at run time, change state between formulas, or hide an
// error (noerrors, noundefined): an unknown macro must be an error that fails the build.
const packages = AllPackages.filter(p => !['autoload', 'require', 'setoptions', 'tagformat', 'noerrors', 'noundefined'].includes(p));
const tex = new TeX({packages: packages, formatError: (jax, err) => jax.formatError(err)});
const svg = new SVG({fontCache: 'global'});
const doc = mathjax.document('', {InputJax: tex, OutputJax: svg});

if (process.argv[2] === '--css') {  // the few rules MathJax's SVG output needs on the page
  process.stdout.write(adaptor.textContent(svg.styleSheet(doc)) + '\n');
  process.exit(0);
}

const lines = readline.createInterface({input: process.stdin, terminal: false});
lines.on('line', line => {
  let answer;
  try {
    const request = JSON.parse(line);
    // em/ex of the book's body text (16 px, x-height about half an em); the SVG is sized in ex, so it
    // scales with the text around it.
    const node = doc.convert(request.tex, {display: !!request.display, em: 16, ex: 8, containerWidth: 80 * 16});
    const html = adaptor.outerHTML(node);
    const error = html.includes('data-mjx-error') ? (html.match(/data-mjx-error="([^"]*)"/) || [])[1] : null;
    const glyphs = {};
    for (const [, id] of html.matchAll(/xlink:href="#(MJX-[^"]+)"/g)) {
      glyphs[id] = `<path id="${id}" d="${svg.fontCache.cache.get(id)}"></path>`;
    }
    answer = {html: html, error: error, glyphs: glyphs};
  } catch (err) {
    answer = {html: '', error: String(err && err.message || err)};
  }
  doc.clear();
  process.stdout.write(JSON.stringify(answer) + '\n');
});
