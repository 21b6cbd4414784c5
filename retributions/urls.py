"""URLs of the retributions app: runs and payments (``urls_runs``) and documents, funder
links and the treasurer's desk (``urls_documents``)."""
from .urls_documents import urlpatterns as document_urls
from .urls_runs import urlpatterns as run_urls
from .urls_treasury import urlpatterns as treasury_urls

app_name = "retributions"

urlpatterns = run_urls + document_urls + treasury_urls
