"""The web app's pages. Each renders records the library returns; none builds or scores."""
