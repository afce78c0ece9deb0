"""Search and learn from published safeguarding reviews.

The data flow is visible in the module names:
readers → cleaning → passages → embedding → library (store) → search → cli / app.
"""

__version__ = "0.1.0"
