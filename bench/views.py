"""The benchmark's baseline: a bare Django view rendering a template with 20 rows, served by
the same gunicorn settings as the app in the same run. Mounted only when BENCH_BASELINE=1."""
from django.shortcuts import render


def bare(request):
    rows = [{"n": i, "label": f"Ligne {i}", "amount": f"{i * 12.5:.2f}"} for i in range(20)]
    return render(request, "bench/bare.html", {"rows": rows})
