from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ContentLocaleMiddleware(LocaleMiddleware):
    """Language from the URL prefix (/de/, /en/) for page previews; the admin keeps German unless
    the editor chose another language in their profile, and the API negotiates content languages on its
    own while its messages (DRF's included, e.g. a 405's) are English, as the contract says."""

    skipped_prefixes = ("/admin/", "/api/", "/documents/", "/images/", "/static/", "/media/", "/partner-demo/")
    api_prefix = "/api/"
    api_language = "en"

    def process_request(self, request):
        if request.path_info.startswith(self.skipped_prefixes):
            # The active language belongs to the thread: without this, an admin request served after
            # a visitor's /en/ page on the same thread would come in English.
            api = request.path_info.startswith(self.api_prefix)
            translation.activate(self.api_language if api else settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = translation.get_language()
            return None
        return super().process_request(request)

    def process_response(self, request, response):
        if request.path_info.startswith(self.skipped_prefixes):
            return response
        return super().process_response(request, response)
