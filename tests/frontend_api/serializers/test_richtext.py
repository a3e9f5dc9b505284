from frontend_api.serializers.richtext import clean_rich_text, document_link_ids, page_link_ids


class FakeContext:
    def __init__(self, refs=None, documents=None):
        self.refs = refs or {}
        self.documents = documents or {}

    def page_ref(self, pk):
        return self.refs.get(pk)

    def document(self, pk):
        return self.documents.get(pk)

    def absolute(self, path):
        return "https://hub.example.org" + path


def test_ids_of_linked_pages_and_documents():
    html = (
        '<p><a linktype="page" id="3">a</a> <a id="4" linktype="page">b</a> '
        '<a linktype="document" id="9">c</a></p>'
    )
    assert page_link_ids(html) == {3, 4} and document_link_ids(html) == {9}


def test_page_links_become_api_references():
    ref = {
        "type": "events",
        "id": 3,
        "url": "https://hub.example.org/de/x/",
        "api_url": "https://hub/api/v1/events/3/",
    }
    html = clean_rich_text('<p>Zur <a linktype="page" id="3">Veranstaltung</a></p>', FakeContext({3: ref}))
    assert html == (
        '<p>Zur <a href="https://hub.example.org/de/x/" data-page-type="events" data-page-id="3" '
        'data-api-url="https://hub/api/v1/events/3/">Veranstaltung</a></p>'
    )


def test_links_to_invisible_pages_and_unknown_link_types_are_unwrapped():
    html = (
        '<p><a linktype="page" id="5">versteckt</a> <a linktype="other" id="1">x</a> '
        '<a linktype="page">y</a></p>'
    )
    assert clean_rich_text(html, FakeContext()) == "<p>versteckt x y</p>"


def test_wagtail_internals_and_unsafe_links_are_removed():
    html = (
        '<h3 data-block-key="k1">T</h3><p data-block-key="k2">a'
        '<embed embedtype="image" id="1" format="left"/>'
        '<a href="javascript:alert(1)">b</a> <a href="https://ok.example.org/?a=1&amp;b=2">c</a></p>'
    )
    cleaned = clean_rich_text(html, FakeContext())
    assert cleaned == '<h3>T</h3><p>ab <a href="https://ok.example.org/?a=1&amp;b=2">c</a></p>'
