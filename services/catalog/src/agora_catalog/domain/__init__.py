"""What the catalog's layers share below the rules: text normalisation, the category
tree walked in memory, and products as readers see them. No queries, no HTTP."""
