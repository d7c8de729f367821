"""The tests, by kind: unit, contract, e2e, system and quality, over what support provides."""
