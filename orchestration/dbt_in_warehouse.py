"""dbt's own command line, started in the warehouse's folder.

dagster-dbt starts dbt in the project folder; Terrain's profile names the warehouse by its file name
alone, so that every data root shares one profile and one saved parse
(:class:`orchestration.assets.dbt.DataRootDbtCli`). This entry point moves to the folder
``TERRAIN_DBT_WORKDIR`` names, then hands the arguments to dbt unchanged.
"""

import os
import sys

WORKDIR_ENV = "TERRAIN_DBT_WORKDIR"


def main() -> None:
    os.chdir(os.environ[WORKDIR_ENV])
    from dbt.cli.main import cli

    sys.exit(cli())


if __name__ == "__main__":
    main()
