"""The desktop application (PySide6 Qt Widgets). Views only: core/ decides."""
