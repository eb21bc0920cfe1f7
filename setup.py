"""Package layout that pyproject.toml alone cannot express: the top-level ``data/``
folder (the shipped reference and demo data) is installed as ``deskapp.sitedata``."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["deskapp", "deskapp.*"]), "deskapp.sitedata"],
    package_dir={"deskapp.sitedata": "data"},
    package_data={
        "deskapp": ["**/*.tcss", "db/migrations/*.mako"],
        "deskapp.sitedata": ["*.toml", "*.csv", "*.md"],
    },
)
