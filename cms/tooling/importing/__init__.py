"""Moving old web content into the hub: loose text and HTML files (import_documents) and WordPress
export files (import_wordpress) become draft pages that editors finish and publish.

markup.py understands the content (HTML, page-builder shortcodes, Gutenberg), pages.py turns it into
draft pages and Wagtail images, documents.py and wordpress.py read the two kinds of input.
"""
