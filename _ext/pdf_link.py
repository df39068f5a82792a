"""The download menu's ".pdf" entry gives the whole book's PDF instead of the browser's print dialog.

sphinx-book-theme fills each page's header buttons in an ``html-page-context`` handler (priority 501);
this one runs after it and swaps the "Print to PDF" button of the "download-buttons" group for a link
to ``routerbench-book.pdf`` at the root of the HTML, where ``scripts/book.py pdf`` puts the PDF it
prints from this edition's pages (scripts/book_pdf.py). Enabled by scripts/book.py for the reader's edition only (the PDF
holds the solutions).
"""
from __future__ import annotations

PDF_NAME = "routerbench-book.pdf"


def _link_book_pdf(app, pagename, templatename, context, doctree) -> None:
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        group["buttons"] = [b for b in group["buttons"] if b.get("label") != "download-pdf-button"]
        group["buttons"].append({
            "type": "link",
            "url": context["pathto"](PDF_NAME, 1),
            "text": ".pdf (book)",
            "tooltip": "Download the whole book as a PDF",
            "icon": "fas fa-file-pdf",
            "label": "download-book-pdf-button",
        })


def setup(app):
    app.connect("html-page-context", _link_book_pdf, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
