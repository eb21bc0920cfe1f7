from deskapp.cli import main

main()
