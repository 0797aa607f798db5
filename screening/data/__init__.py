"""The annotated data and its guidance: labelled posts as training and evaluation read them
(:mod:`.dataset`), building and checking the bundled data (:mod:`.curation`), the guidance
taxonomy (:mod:`.guidance`), real posts' labels by reference (:mod:`.realdata`), and checks of
reviewer labels (:mod:`.label_checks`)."""
