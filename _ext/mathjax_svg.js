// Typeset TeX to SVG with MathJax 3 (the npm package mathjax-full), for _ext/build_math.py.
// Reads one JSON request per line on stdin, {"tex": "...", "display": true|false}, and answers one
// JSON line per request, {"html": "<mjx-container ...><svg ...>", "error": null | "TeX error message"}.
// Glyphs are drawn as paths inside each formula's own SVG (fontCache "local"), so a page needs no math
// font and no script: the formula is finished when the HTML arrives, and prints as it shows.
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
// Every TeX package but the ones that load code at run time or change the page's state between formulas.
const packages = AllPackages.filter(p => !['autoload', 'require', 'setoptions', 'tagformat'].includes(p));
const tex = new TeX({packages: packages, formatError: (jax, err) => jax.formatError(err)});
const svg = new SVG({fontCache: 'local'});
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
    answer = {html: html, error: error};
  } catch (err) {
    answer = {html: '', error: String(err && err.message || err)};
  }
  doc.clear();
  process.stdout.write(JSON.stringify(answer) + '\n');
});
