// confsite default theme: progressive enhancements (being written).
