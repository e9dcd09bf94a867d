"""Bluesky as a source of the conversation store: a repository export (CAR), the
public AppView, and the facets that place links, mentions and tags in a post's text."""
