"""From an Article to what the engines are given: normalisation, the speech plan, voice profiles and the clip cache."""
