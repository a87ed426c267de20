"""The pure domain: plain values and `now` in, decisions out. No I/O, no clock, no frameworks."""
