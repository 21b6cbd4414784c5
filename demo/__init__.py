"""The demo and scale data, a development app apart from the product.

``seed_demo`` builds a small, realistic French network through the same services people use
(so the demo obeys every rule and writes the same audit); ``seed_scale`` is a fast bulk
loader for benchmarks that writes rows directly. Nothing in the other apps imports this one.
"""
