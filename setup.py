"""Package layout that pyproject.toml alone cannot express: the top-level ``data/``
folder (the shipped reference and demo data) is installed as ``deskapp.sitedata``."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["deskapp", "deskapp.*"]), "deskapp.sitedata"],
    package_dir={"deskapp.sitedata": "data"},
    package_data={
        # Folders that are not packages travel as package data: the migrations (without
        # them a non-editable install cannot create its database) and the stylesheets.
        "deskapp": ["tui/styles/*.tcss", "db/migrations/*.mako",
                    "db/migrations/versions/*.py"],
        "deskapp.sitedata": ["*.toml", "*.csv", "*.md"],
    },
)
