"""The library: songs, the song page's actions, and starting new work."""
