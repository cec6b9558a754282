"""The artifacts slice: artifact paths and stores."""
