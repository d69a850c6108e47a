"""Small helpers with no domain, each tested on its own."""
