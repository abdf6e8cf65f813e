# Databricks notebook source
"""The notebook's plots, one per query, from the pandas frames its cells make.

The last of tweets_streaming.py's `%run` files; it needs nothing from the others.
matplotlib is imported inside each function, so the file loads without it.
"""


def _ranked_bars(frame, label: str, title: str, ax=None):
    """Horizontal bars from a frame with columns `label` and posts, largest on top."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(8, 4))[1]
    ordered = frame.iloc[::-1]
    ax.barh(ordered[label], ordered["posts"])
    ax.set_xlabel("posts")
    ax.set_title(title)
    return ax


def plot_top_hashtags(frame, ax=None):
    """Horizontal bars from a pandas frame with columns hashtag, posts."""
    return _ranked_bars(frame, "hashtag", "Top hashtags", ax)


def plot_posts_by_place(frame, ax=None):
    """Horizontal bars from a pandas frame with columns place, posts."""
    return _ranked_bars(frame, "place", "Posts by place", ax)


def plot_posts_per_minute(frame, ax=None):
    """A line from a pandas frame with columns minute, posts."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(8, 3))[1]
    ax.plot(frame["minute"], frame["posts"], marker="o")
    ax.set_ylabel("posts per minute")
    ax.set_title("Posts per minute (UTC)")
    ax.figure.autofmt_xdate()
    return ax
