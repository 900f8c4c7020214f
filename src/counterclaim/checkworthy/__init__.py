"""Check-worthiness: a learned model (ClaimBuster training data) combined with conflict cues."""
