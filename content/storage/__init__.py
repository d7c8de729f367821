"""Storage: what every backend shares (the store's rules, the rows an article becomes, what a
delivery holds), and one package per backend, the only places that speak SQL.

Only this package and the composition root (``bot.stores``) import a backend.
"""
