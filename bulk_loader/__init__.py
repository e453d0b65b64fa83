"""bulk-loader: load customer files into 8x8 Contact Center dynamic campaigns, resumably."""

__version__ = "0.1.0"
