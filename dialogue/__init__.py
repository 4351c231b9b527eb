"""Connectivity Dialogue: the warehouse, the demo data and the logic behind the Streamlit pages."""
