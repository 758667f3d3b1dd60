"""The demo force: a synthetic force written as a records system would hold it, loaded like any force."""
