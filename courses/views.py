"""Front-office views of the courses app."""
