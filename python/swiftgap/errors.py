"""The one exception type of the package."""


class SwiftGAPError(ValueError):
    """An error reported by the Swift library, carrying its message (which names the file, line, configuration
    or setting at fault and what to do). A ValueError, as DScribe and ASE raise for bad input."""
