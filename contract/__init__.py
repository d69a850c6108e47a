"""What the studio and the emulator share about TTAPI's music APIs.

One module per engine holds its action names and request rules (`producer`); `fields` the
checks both engines' rules are built from, `parsing` the loose reading of the provider's
answers, `errors` the typed failures. Nothing here imports the studio or the emulator.
"""
